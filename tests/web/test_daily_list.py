"""Daily, weekly and monthly lists and their JSON twins."""

from fastapi.testclient import TestClient


def test_day_page_lists_that_days_papers_with_neighbour_links(client: TestClient) -> None:
    r = client.get("/papers/date/2026-08-04")
    assert r.status_code == 200
    assert "Bounds for" in r.text and "A second Tuesday paper" in r.text
    assert "Friday paper" not in r.text
    assert 'href="/papers/date/2026-08-05"' in r.text  # next day with papers
    assert "<math" in r.text  # the title's TeX rendered as MathML
    assert "Schrödinger" in r.text


def test_json_twin_has_the_same_papers(client: TestClient) -> None:
    data = client.get("/papers/date/2026-08-04.json").json()
    assert data["kind"] == "day" and data["total"] == 2
    assert {p["arxiv_id"] for p in data["papers"]} == {"2608.00001", "2608.00002"}
    assert (
        data["next_url"] == "/papers/date/2026-08-05"
        and data["prev_url"] == "/papers/date/1999-01-05"
    )
    first = next(p for p in data["papers"] if p["arxiv_id"] == "2608.00001")
    assert first["authors"][0] == {"name": "Jane Doe", "affiliations": ["Example Univ."]}
    assert first["code_links"][0]["url"] == "https://github.com/example/bridges"


def test_category_filter_matches_cross_lists(client: TestClient) -> None:
    data = client.get("/papers/week/2026-W32.json?cat=cs.LG").json()
    assert {p["arxiv_id"] for p in data["papers"]} | set() <= {"2608.00001", "2608.00004"}
    assert data["total"] == 2
    assert client.get("/papers/week/2026-W32.json?cat=cs.CL").json()["total"] == 1


def test_week_and_month_pages_and_pagination(client: TestClient) -> None:
    week = client.get("/papers/week/2026-W32.json").json()
    assert (week["start"], week["end"], week["total"], week["pages"]) == (
        "2026-08-03",
        "2026-08-09",
        4,
        2,
    )
    page2 = client.get("/papers/week/2026-W32.json?page=2").json()
    assert len(page2["papers"]) == 2
    seen = {p["arxiv_id"] for p in week["papers"]} | {p["arxiv_id"] for p in page2["papers"]}
    assert len(seen) == 4
    month = client.get("/papers/month/2026-08")
    assert month.status_code == 200 and "August 2026" in month.text
    assert client.get("/papers/week/2026-W32.json").json()["prev_url"] == "/papers/week/2026-W31"


def test_papers_shows_the_latest_day(client: TestClient) -> None:
    r = client.get("/papers")
    assert r.status_code == 200 and "Friday paper" in r.text
    assert (
        client.get("/papers/week", follow_redirects=False).headers["location"]
        == "/papers/week/2026-W32"
    )


def test_bad_period_and_category_get_clear_400s(client: TestClient) -> None:
    for url, words in [
        ("/papers/date/2026-13-45", "not a valid day"),
        ("/papers/week/2026-W99", "not a valid week"),
        ("/papers/month/26-8", "not a month"),
        ("/papers/date/2026-08-04?cat=<script>", "not an arXiv category"),
        ("/papers/date/2026-08-04?page=0", "page"),
    ]:
        r = client.get(url)
        assert r.status_code == 400, url
        assert words in r.text, url
        assert "Traceback" not in r.text
