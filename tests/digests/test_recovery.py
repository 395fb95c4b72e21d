"""What a restarted sender does with the rows of one that died, journal in hand."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, text

from paperfeed.config import Settings
from paperfeed.digests.delivery import claim, plan_due, release_stale
from paperfeed.digests.journal import Journal, marked
from tests.digests.conftest import FRIDAY_9, add_subscribers


def test_marked_rows_count_as_sent_the_rest_go_back(engine: Engine, settings: Settings) -> None:
    add_subscribers(engine, ["a@example.org", "b@example.org", "c@example.org"])
    plan_due(engine, FRIDAY_9)
    token, ids = claim(engine, FRIDAY_9, 10)
    assert len(ids) == 3
    journal = Journal(engine, token)  # the dead sender's (any host): it sent a's end mark
    journal.mark(ids[0])
    journal.close(remove=False)
    # within the lease nothing moves: the sender may still be alive
    assert release_stale(engine, settings, FRIDAY_9 + timedelta(seconds=10)) == 0
    later = FRIDAY_9 + timedelta(seconds=settings.digest_lease_seconds + 1)
    assert release_stale(engine, settings, later) == 2
    with engine.connect() as conn:
        states = dict(conn.execute(text("SELECT id, status FROM digest_deliveries")).all())
    assert states == {ids[0]: "sent", ids[1]: "pending", ids[2]: "pending"}
    with engine.connect() as conn:
        assert marked(conn, token) == set()  # the journal is settled, removed
