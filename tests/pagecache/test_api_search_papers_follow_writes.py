"""The API's search answers keep each paper's JSON per generation: a vote, a comment and a
changed title show in the next search answer, and answers built from kept pieces are the
same bytes as answers built afresh."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests import records as R
from tests.community.conftest import Inbox, csrf, sign_up
from tests.web.conftest import THU, store

SEARCH = "/api/papers/search?q=paper"


def _paper(client: TestClient, arxiv_id: str) -> dict:
    found = [p for p in client.get(SEARCH).json() if p["paper"]["id"] == arxiv_id]
    assert len(found) == 1, [p["paper"]["id"] for p in client.get(SEARCH).json()]
    return found[0]


def test_search_answers_follow_votes_comments_and_updates(
    client: TestClient, reader: TestClient, inbox: Inbox, engine: Engine, filled_papers: None
) -> None:
    first = reader.get(SEARCH)
    assert first.status_code == 200 and len(first.json()) >= 3
    assert reader.get(SEARCH).content == first.content  # from kept pieces: the same bytes
    kept = client.app.state.fragments  # type: ignore[attr-defined]
    assert len(kept) == len(first.json())
    before = _paper(reader, "2608.00004")
    assert before["paper"]["upvotes"] == 0 and before["numComments"] == 0

    sign_up(client, inbox, "alice@example.org", "Alice")
    client.post("/papers/2608.00004/vote", data={"up": "true", "csrf_token": csrf(client)})
    assert _paper(reader, "2608.00004")["paper"]["upvotes"] == 1
    client.post(
        "/papers/2608.00004/comments",
        data={"body": "A first comment", "csrf_token": csrf(client)},
    )
    assert _paper(reader, "2608.00004")["numComments"] == 1
    store(engine, [R.Rec(id="2608.00004", title="Friday paper, revised", versions=[THU, THU])])
    assert _paper(reader, "2608.00004")["title"] == "Friday paper, revised"

    reader.get(SEARCH)
    from_kept = reader.get(SEARCH).content
    kept._kept.clear()  # nothing kept any more: the next answer is built afresh
    assert reader.get(SEARCH).content == from_kept
