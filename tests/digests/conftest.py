"""Digest tests: the real SMTP server and site of the community tests, invented papers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, insert

from paperfeed.digests.models import Subscription
from tests.community.conftest import (  # noqa: F401
    Inbox,
    client,
    csrf,
    filled_papers,
    inbox,
    site_settings,
    smtp,
)

# Friday 7 August 2026, 09:00 UTC: the invented Friday paper (2608.00004, cs.CV cs.LG) is
# on that day's list
FRIDAY_9 = datetime(2026, 8, 7, 9, 0, tzinfo=UTC)


def add_subscribers(engine: Engine, addresses: list[str], **fields: object) -> None:
    """Confirmed daily subscriptions at 08:00 UTC to cs.LG, written straight to the table."""
    now = datetime(2026, 8, 1, tzinfo=UTC)
    values = {
        "frequency": "daily",
        "weekday": 0,
        "hour": 8,
        "timezone": "UTC",
        "max_papers": 10,
        "trending": False,
        "categories": "cs.LG",
        "keywords": "",
        "authors": "",
        "skip_empty": True,
        "refusals": 0,
        "confirmed_at": now,
        "created_at": now,
        **fields,
    }
    with engine.begin() as conn:
        conn.execute(insert(Subscription), [{**values, "email": a} for a in addresses])
