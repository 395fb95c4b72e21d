"""One cached page, each visitor's own parts: their CSRF token, their name, their votes and
saves, their comment controls — nothing of one visitor reaches another."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.community.conftest import Inbox, csrf, log_in, sign_up
from tests.pagecache.conftest import PAGES


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', html))


def test_each_anonymous_visitor_gets_their_own_token(
    client: TestClient, reader: TestClient, filled_papers: None
) -> None:
    for path in PAGES:
        mine, theirs = client.get(path), reader.get(path)
        assert _tokens(mine.text) == {client.cookies["pf_csrf"]}, path
        assert _tokens(theirs.text) == {reader.cookies["pf_csrf"]}, path
        assert mine.text.replace(client.cookies["pf_csrf"], "T") == theirs.text.replace(
            reader.cookies["pf_csrf"], "T"
        )


def test_members_see_their_own_votes_saves_and_name(
    client: TestClient, reader: TestClient, inbox: Inbox, filled_papers: None
) -> None:
    sign_up(client, inbox, "alice@example.org", "Alice")
    sign_up(reader, inbox, "bob@example.org", "Bob")
    for path in PAGES:  # both read first: the member page is cached before Alice writes
        client.get(path), reader.get(path)
    token = csrf(client)
    client.post("/papers/2608.00004/vote", data={"up": "true", "csrf_token": token})
    saved = client.put("/api/library/2608.00004", headers={"X-CSRF-Token": token})
    assert saved.status_code in (200, 201, 204), saved.text
    for path in PAGES:
        alice, bob = client.get(path).text, reader.get(path).text
        assert ">Alice</a>" in alice and ">Bob</a>" not in alice, path
        assert ">Bob</a>" in bob and ">Alice</a>" not in bob, path
        assert 'aria-pressed="true" title="Remove your upvote"' in alice, path
        assert 'aria-pressed="true" title="Remove your upvote"' not in bob, path
        assert 'class="save-btn saved"' in alice and 'class="save-btn saved"' not in bob, path
        assert 'name="csrf_token" value="' + token + '"' in alice
        assert token not in bob


def test_own_comments_can_be_edited_only_by_their_author(
    client: TestClient, reader: TestClient, inbox: Inbox, filled_papers: None
) -> None:
    sign_up(client, inbox, "alice@example.org", "Alice")
    client.post(
        "/papers/2608.00004/comments",
        data={"body": "Mine to edit", "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    sign_up(reader, inbox, "bob@example.org", "Bob")
    assert "Mine to edit" in reader.get("/papers/2608.00004").text
    assert "/edit" not in reader.get("/papers/2608.00004").text
    assert "/edit" in client.get("/papers/2608.00004").text
    reader.cookies.clear()
    anonymous = reader.get("/papers/2608.00004").text
    assert "Mine to edit" in anonymous and "Log in</a> or" in anonymous
    log_in(reader, "bob@example.org")
    assert "Confirm your email" not in reader.get("/papers/2608.00004").text
