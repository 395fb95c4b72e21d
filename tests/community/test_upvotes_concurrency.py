"""50 concurrent upvotes from one account leave one vote; from 50 accounts, 50 (both databases)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import Engine, text

from paperfeed.app import create_app
from paperfeed.community.accounts import create_admin, now_utc, start_session
from paperfeed.config import Settings
from tests.live import live_server


def _members(engine: Engine, n: int) -> list[str]:
    """n verified accounts with a session each (made directly: sign-up is tested elsewhere)."""
    tokens = []
    with engine.begin() as conn:
        for i in range(n):
            create_admin(conn, f"m{i}@example.org", f"password-{i:03d}", now_utc())
            uid = conn.execute(
                text("SELECT id FROM users WHERE email = :e"), {"e": f"m{i}@example.org"}
            ).scalar_one()
            tokens.append(start_session(conn, uid, now_utc()))
    return tokens


def _vote_all(base: str, sessions: list[str]) -> list[int]:
    csrf = "c" * 43

    def one(session: str) -> int:
        cookies = {"pf_session": session, "pf_csrf": csrf}
        with httpx.Client(base_url=base, timeout=60, cookies=cookies) as http:
            r = http.post(
                "/papers/2608.00001/vote",
                data={"up": "true", "csrf_token": csrf},
                headers={"Accept": "application/json"},
            )
            return r.status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        return list(pool.map(one, sessions))


def _votes(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM votes")).scalar_one()


def test_one_account_fifty_concurrent_clicks_one_vote(
    engine: Engine, site_settings: Settings, filled_papers: None
) -> None:
    (session,) = _members(engine, 1)
    with live_server(create_app(site_settings, engine)) as base:
        codes = _vote_all(base, [session] * 50)
    assert codes == [200] * 50
    assert _votes(engine) == 1


def test_fifty_accounts_fifty_votes(
    engine: Engine, site_settings: Settings, filled_papers: None
) -> None:
    sessions = _members(engine, 50)
    with live_server(create_app(site_settings, engine)) as base:
        codes = _vote_all(base, sessions)
        shown = httpx.get(f"{base}/papers/2608.00001.json").json()["upvotes"]
    assert codes == [200] * 50
    assert _votes(engine) == 50 and shown == 50
