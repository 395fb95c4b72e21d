"""The public API's kept answers: the same bytes for everyone, a vote or a harvest seen on
the next request, no visitor's cookie ever replayed to another."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests import records as R
from tests.community.conftest import Inbox, csrf, sign_up
from tests.web.conftest import THU, store


def _upvotes(client: TestClient, arxiv_id: str) -> int:
    return int(client.get(f"/api/papers/{arxiv_id}").json()["upvotes"])


def test_api_answers_follow_votes_and_harvests(
    client: TestClient, reader: TestClient, inbox: Inbox, engine: Engine, filled_papers: None
) -> None:
    day = "/api/daily_papers?date=2026-08-07"
    assert _upvotes(reader, "2608.00004") == 0
    first = reader.get(day)
    assert first.content == reader.get(day).content
    sign_up(client, inbox, "alice@example.org", "Alice")
    client.post("/papers/2608.00004/vote", data={"up": "true", "csrf_token": csrf(client)})
    assert _upvotes(reader, "2608.00004") == 1
    store(engine, [R.Rec(id="2608.00099", title="Harvested for the API", versions=[THU])])
    assert "Harvested for the API" in reader.get(day).text


def test_a_kept_answer_carries_no_other_visitors_cookie(
    client: TestClient, reader: TestClient, filled_papers: None
) -> None:
    fresh = client.get("/api/papers/2608.00004")  # a first visit: the CSRF cookie is set
    assert "pf_csrf" in fresh.headers.get("set-cookie", "")
    again = reader.get("/api/papers/2608.00004")
    assert again.content == fresh.content
    assert client.cookies["pf_csrf"] not in again.headers.get("set-cookie", "")
    assert again.headers.get("set-cookie", "").count("pf_csrf=") <= 1
