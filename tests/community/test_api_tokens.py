"""Personal API tokens: made in account settings, shown once; submit, upvote and comment by API."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests import records as R
from tests.community.conftest import Inbox, csrf, sign_up
from tests.standin import ArxivStandIn


def _new_token(client: TestClient, name: str = "notebook") -> str:
    r = client.post("/account/tokens", data={"name": name, "csrf_token": csrf(client)})
    assert r.status_code == 200
    match = re.search(r'<code class="token">(pf_[\w-]+)</code>', r.text)
    assert match, r.text
    return match.group(1)


def test_token_writes_through_the_api_and_revoking_stops_it(
    client: TestClient, inbox: Inbox, standin: ArxivStandIn, filled_papers: None
) -> None:
    standin.records = [
        R.Rec(id="2611.05555", title="Scripted submission", versions=[datetime.now(UTC)])
    ]
    sign_up(client, inbox, "bot@example.org", "Bot Owner")
    token = _new_token(client)
    assert token not in client.get("/account").text  # shown once
    client.cookies.clear()  # the API needs no cookie, only the token
    auth = {"Authorization": f"Bearer {token}"}
    r = client.post("/api/papers/index", json={"arxivId": "2611.05555"}, headers=auth)
    assert r.status_code == 201 and r.json()["created"] is True
    r = client.post("/api/papers/2611.05555/upvote", json={"up": True}, headers=auth)
    assert r.json() == {"id": "2611.05555", "voted": True, "upvotes": 1}
    r = client.post("/api/papers/2611.05555/comment", json={"comment": "Nice *one*"}, headers=auth)
    assert r.status_code == 201
    first = r.json()["newMessage"]
    assert first["data"]["latest"]["html"] == "<p>Nice <em>one</em></p>\n"
    assert first["author"]["fullname"] == "Bot Owner" and first["type"] == "comment"
    r = client.post(
        f"/api/papers/2611.05555/comment/{first['id']}/reply",
        json={"comment": "and a reply"},
        headers=auth,
    )
    assert r.json()["newMessage"]["data"]["parentCommentId"] == first["id"]
    listed = client.get("/api/papers/2611.05555/comments").json()
    assert listed[0].keys() == first.keys()  # one shape, listed or just made
    assert [(c["author"]["fullname"], c["data"].get("parentCommentId")) for c in listed] == [
        ("Bot Owner", None),
        ("Bot Owner", first["id"]),
    ]
    # revoke in the account page: the token stops working
    sign_in_again = client.post(
        "/login",
        data={
            "email": "bot@example.org",
            "password": "correct horse battery",
            "csrf_token": csrf(client),
        },
    )
    assert sign_in_again.status_code == 200
    token_id = re.search(r"/account/tokens/(\d+)/revoke", client.get("/account").text).group(1)  # type: ignore[union-attr]
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf(client)})
    r = client.post("/api/papers/2611.05555/upvote", json={"up": False}, headers=auth)
    assert r.status_code == 401 and r.json()["error"] == "This API token is unknown or revoked."


def test_write_api_refuses_without_token_and_names_the_problem(
    client: TestClient, filled_papers: None
) -> None:
    r = client.post("/api/papers/2608.00001/upvote", json={"up": True})
    assert r.status_code == 401 and "Authorization: Bearer" in r.json()["error"]
    r = client.post(
        "/api/papers/2608.00001/upvote",
        json={"up": True},
        headers={"Authorization": "Bearer pf_nope"},
    )
    assert r.status_code == 401


def test_write_api_is_rate_limited(
    client: TestClient, inbox: Inbox, filled_papers: None, engine, site_settings
) -> None:  # type: ignore[no-untyped-def]
    from paperfeed.app import create_app

    sign_up(client, inbox, "fast@example.org")
    token = _new_token(client)
    strict = site_settings.model_copy(update={"rate_limit_write": "2/minute"})
    with TestClient(create_app(strict, engine)) as api:
        auth = {"Authorization": f"Bearer {token}"}
        codes = [
            api.post("/api/papers/2608.00001/upvote", json={"up": True}, headers=auth).status_code
            for _ in range(4)
        ]
        assert codes == [200, 200, 429, 429]
        assert (
            "Too many requests"
            in api.post("/api/papers/2608.00001/upvote", json={}, headers=auth).json()["error"]
        )
