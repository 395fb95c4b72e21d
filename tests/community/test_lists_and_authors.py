"""The day's list is ordered by upvotes; author pages list a person's papers."""

from fastapi.testclient import TestClient

from tests.community.conftest import Inbox, csrf, sign_up


def test_days_list_is_ordered_by_upvotes(
    client: TestClient, inbox: Inbox, filled_papers: None
) -> None:
    before = [p["arxiv_id"] for p in client.get("/papers/date/2026-08-04.json").json()["papers"]]
    first, last = before
    sign_up(client, inbox, "alice@example.org")
    vote = {"up": "true", "csrf_token": csrf(client)}
    r = client.post(f"/papers/{last}/vote", data=vote, headers={"Accept": "application/json"})
    assert r.json() == {"arxiv_id": last, "voted": True, "upvotes": 1}
    papers = client.get("/papers/date/2026-08-04.json").json()["papers"]
    assert [(p["arxiv_id"], p["upvotes"]) for p in papers] == [(last, 1), (first, 0)]
    html = client.get("/papers/date/2026-08-04").text
    assert 'aria-pressed="true"' in html  # the member sees their vote
    unvote = {"up": "false", "csrf_token": csrf(client)}
    r = client.post(f"/papers/{last}/vote", data=unvote, headers={"Accept": "application/json"})
    assert r.json()["upvotes"] == 0


def test_author_page_lists_their_papers(client: TestClient, filled_papers: None) -> None:
    data = client.get("/authors/Jane Doe.json").json()
    assert data["total"] == 4 and "2608.00001" in data["papers"]
    html = client.get("/authors/Jane%20Doe").text
    assert "Bounds for" in html
    assert client.get("/authors/Nobody Here.json").json()["total"] == 0
    assert 'href="/authors/Jane%20Doe"' in client.get("/papers/2608.00001").text
