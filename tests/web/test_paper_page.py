"""Paper pages: every field, id forms, JSON and BibTeX twins, clear 404s, no HTML injection."""

from fastapi.testclient import TestClient


def test_paper_page_shows_all_fields(client: TestClient) -> None:
    r = client.get("/papers/2608.00001")
    assert r.status_code == 200
    html = r.text
    for expected in [
        "Jane Doe",
        "Example Univ.",
        "John Roe",
        "10.1234/abcd",
        "Proc. Invented Conf. 2026",
        "https://arxiv.org/abs/2608.00001",
        "https://arxiv.org/pdf/2608.00001",
        "https://github.com/example/bridges",
        "@article{doe2026bounds",
        "12 pages, 5 figures",
        ">v1<",
        ">v2<",
    ]:
        assert expected in html, expected
    assert html.index("cs.LG") < html.index("stat.ML")  # primary category first
    assert html.index("Jane Doe") < html.index("John Roe")  # authors in order
    assert html.count("<math") >= 2


def test_version_suffix_and_old_style_ids(client: TestClient) -> None:
    r = client.get("/papers/2608.00001v1")
    assert r.status_code == 200 and "You asked for v1" in r.text
    assert client.get("/papers/hep-th/9901001").status_code == 200
    assert client.get("/papers/hep-th/9901001.json").json()["arxiv_id"] == "hep-th/9901001"


def test_json_and_bibtex_twins(client: TestClient) -> None:
    data = client.get("/papers/2608.00001.json").json()
    assert data["version"] == 2 and [v["version"] for v in data["versions"]] == [1, 2]
    assert data["categories"] == ["cs.LG", "stat.ML"]
    bib = client.get("/papers/2608.00001.bib")
    assert bib.headers["content-type"].startswith("text/x-bibtex; charset=utf-8")
    assert "eprint = {2608.00001}" in bib.text and "author = {Jane Doe and John Roe}" in bib.text


def test_unknown_and_malformed_ids_are_clear_404s(client: TestClient) -> None:
    r = client.get("/papers/2608.09999")
    assert r.status_code == 404 and "not in this instance" in r.text
    r = client.get("/papers/definitely-not-an-id")
    assert r.status_code == 404 and "not an arXiv identifier" in r.text
    assert client.get("/papers/2608.09999.json").json()["status"] == 404


def test_html_in_metadata_is_shown_as_text(client: TestClient) -> None:
    for url in ["/papers/2608.00003", "/papers/date/2026-08-05"]:
        html = client.get(url).text
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<img src=x" not in html
        assert 'href="javascript:' not in html


def test_search_goes_straight_to_a_pasted_id_and_finds_words(client: TestClient) -> None:
    r = client.get(
        "/search", params={"q": "https://arxiv.org/abs/2608.00002v1"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/papers/2608.00002"
    r = client.get("/search", params={"q": "tuesday PAPER"})
    assert "A second <mark>Tuesday</mark> <mark>paper</mark>" in r.text  # highlighted
    assert "Friday paper" not in r.text
    for weird in ['"unbalanced', "NEAR(", "50%_off", "'; DROP TABLE papers; --", "🙂" * 50]:
        assert client.get("/search", params={"q": weird}).status_code == 200
