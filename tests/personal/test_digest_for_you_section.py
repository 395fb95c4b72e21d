"""A member's digest opens with a "For you" section ranked by their library, and none of
their mutes appears in any section of it."""

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from paperfeed.config import Settings
from paperfeed.digests.delivery import plan_due, send_pending
from tests.community.conftest import Inbox
from tests.digests.conftest import add_subscribers
from tests.personal.conftest import headers

FRIDAY_9 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # that day: its list is the latest


def test_for_you_section_without_mutes(
    member: TestClient, corpus: list, engine: Engine, site_settings: Settings, inbox: Inbox
) -> None:
    h = headers(member)
    member.put("/api/library/2611.00101", headers=h)
    member.put("/api/mutes/keywords/lookahead", headers=h)  # 2611.00104, in cs.CL
    with engine.connect() as conn:
        me = conn.execute(text("SELECT id FROM users WHERE email = 'mira@example.org'")).scalar()
    add_subscribers(engine, ["mira@example.org"], user_id=me, categories="cs.CL cs.RO")
    add_subscribers(engine, ["guest@example.org"], categories="cs.CL cs.RO")
    plan_due(engine, FRIDAY_9)
    assert send_pending(engine, site_settings, clock=lambda: FRIDAY_9).sent == 2
    mine = inbox.to("mira@example.org", count=2)[-1]
    body = mine.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert body.index("== For you ==") < body.index("Quantised key-value caches")
    assert "For you: " in body and "Lookahead" not in body
    html = mine.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert ">For you</h2>" in html and "Lookahead" not in html
    guest = inbox.to("guest@example.org")[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "For you" not in guest and "Lookahead" in guest  # mutes are the member's own
