"""A member's own marks (voted, saved) are kept per member by a version their votes and saves
move in the database: a save or vote written by another process shows on the next request,
and taking it back does too."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.community.conftest import Inbox, sign_up
from tests.pagecache.conftest import PAGES

SAVED = 'class="save-btn saved"'
VOTED = 'aria-pressed="true" title="Remove your upvote"'


def _ids(engine: Engine) -> tuple[int, int]:
    with engine.begin() as conn:
        user = conn.execute(text("SELECT id FROM users WHERE email = 'alice@example.org'"))
        paper = conn.execute(text("SELECT id FROM papers WHERE arxiv_id = '2608.00004'"))
        return int(user.scalar_one()), int(paper.scalar_one())


def _version(engine: Engine, user: int) -> int:
    with engine.begin() as conn:
        found = conn.execute(text("SELECT marks_version FROM users WHERE id = :u"), {"u": user})
        return int(found.scalar_one())


def test_saves_and_votes_from_elsewhere_show_on_the_next_request(
    client: TestClient, inbox: Inbox, filled_papers: None
) -> None:
    sign_up(client, inbox, "alice@example.org", "Alice")
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    user, paper = _ids(engine)
    for path in PAGES:  # pages and Alice's (empty) marks kept
        assert SAVED not in client.get(path).text, path
    before = _version(engine, user)
    now = datetime.now(UTC)
    with engine.begin() as conn:  # as another process (an import, a second server) would
        conn.execute(
            text(
                "INSERT INTO library_items (user_id, paper_id, source, created_at)"
                " VALUES (:u, :p, 'imported', :t)"
            ),
            {"u": user, "p": paper, "t": now},
        )
        conn.execute(
            text("INSERT INTO votes (user_id, paper_id, created_at) VALUES (:u, :p, :t)"),
            {"u": user, "p": paper, "t": now},
        )
    assert _version(engine, user) == before + 2
    for path in PAGES:
        page = client.get(path).text
        assert SAVED in page and VOTED in page, path
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM library_items WHERE user_id = :u"), {"u": user})
    assert _version(engine, user) == before + 3
    for path in PAGES:
        page = client.get(path).text
        assert SAVED not in page and VOTED in page, path
