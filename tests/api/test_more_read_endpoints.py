"""paperfeed's own read endpoints: trending, authors, similar papers; BibTeX of lists."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests import records as R
from tests.web.conftest import store


def test_similar_papers_share_words_and_category(client: TestClient, filled: Engine) -> None:
    store(
        filled,
        [
            R.Rec(
                id="2608.00011",
                title="Schrödinger bridges for stable generative modelling",
                abstract="Stable bridges between distributions.",
                categories="cs.LG",
            ),
            R.Rec(id="2608.00012", title="Graph colouring with few colours", categories="cs.LG"),
            R.Rec(
                id="2608.00013",
                title="Schrödinger bridges in chemistry",
                categories="physics.chem-ph",
            ),
        ],
    )
    similar = [p["id"] for p in client.get("/api/papers/2608.00001/similar").json()]
    assert similar[0] == "2608.00011"  # shares title words, same primary category
    assert "2608.00013" not in similar  # other category
    assert "2608.00001" not in similar  # never itself
    page = client.get("/papers/2608.00001").text
    assert "Similar papers" in page and 'href="/papers/2608.00011"' in page
    assert client.get("/api/papers/2608.09999/similar").status_code == 404


def test_authors_and_trending_endpoints(client: TestClient) -> None:
    papers = client.get("/api/authors/Jane Doe?limit=2").json()
    assert len(papers) == 2 and all("id" in p for p in papers)
    assert client.get("/api/trending?window=month").json() == []  # no votes, no stars yet
    assert client.get("/api/trending?window=year").status_code == 400


def test_bibtex_of_lists_and_searches(client: TestClient) -> None:
    day = client.get("/papers/date/2026-08-04.bib")
    assert day.headers["content-type"].startswith("text/x-bibtex; charset=utf-8")
    assert day.text.count("@") == 2 and "eprint = {2608.00001}" in day.text
    found = client.get("/search.bib?q=Friday").text
    assert found.count("@") == 1 and "eprint = {2608.00004}" in found
