"""/search with filters, its JSON and BibTeX twins; fuzzed through HTTP: never an error page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def _ids(client: TestClient, **params: str) -> list[str]:
    """Every result, over all pages (the test client shows two per page)."""
    ids: list[str] = []
    for page in range(1, 20):
        r = client.get("/search.json", params={**params, "page": str(page)})
        assert r.status_code == 200, r.text
        found = [p["arxiv_id"] for p in r.json()["papers"]]
        if not found:
            return ids
        ids += found
    raise AssertionError("too many pages")


def test_filters_narrow_the_results(client: TestClient) -> None:
    assert set(_ids(client, q="paper")) == {
        "2608.00002",
        "2608.00003",
        "2608.00004",
        "hep-th/9901001",
    }
    assert _ids(client, q="paper", cat="cs.CV") == ["2608.00004"]
    assert _ids(client, q="paper cat:cs.CL") == ["2608.00002"]
    assert set(_ids(client, q="", author="Jane Doe", since="2026-08-05")) == {"2608.00004"}
    assert _ids(client, q='+"second Tuesday"') == ["2608.00002"]
    assert _ids(client, q='+"Tuesday second"') == []
    assert _ids(client, q="paper", until="2000-01-01") == ["hep-th/9901001"]


def test_relevance_puts_title_matches_first(client: TestClient) -> None:
    ids = _ids(client, q="bounds")
    assert ids[0] == "2608.00001"
    newest = _ids(client, q="paper", sort="date")
    assert newest[0] == "2608.00004"


def test_notes_and_bibtex(client: TestClient) -> None:
    data = client.get("/search.json", params={"q": "paper since:someday"}).json()
    assert data["notes"] == ["'someday' is not a date like 2024-01-31 (since:)."]
    assert "is not a date" in client.get("/search", params={"q": "x since:someday"}).text
    assert client.get("/search.bib", params={"q": "Friday"}).text.count("@") == 1


@given(q=st.text(max_size=300), cat=st.text(max_size=30), since=st.text(max_size=12))
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_any_input_gives_results_or_a_message(
    client: TestClient,
    q: str,
    cat: str,
    since: str,
) -> None:
    for path in ("/search", "/search.json", "/api/papers/search"):
        r = client.get(path, params={"q": q, "cat": cat, "since": since}, follow_redirects=False)
        assert r.status_code in (200, 303, 400), (path, q, r.status_code)
        assert "Traceback" not in r.text


def test_ten_thousand_characters(client: TestClient) -> None:
    r = client.get("/search", params={"q": "graph " * 1666})
    assert r.status_code == 200 and "Only the first" in r.text
