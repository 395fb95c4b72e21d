"""SMTP answers: 4xx retried with backoff, 5xx recorded, an address refused repeatedly is
suspended and shown to the admin."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, text

from paperfeed.config import Settings
from paperfeed.digests.delivery import plan_due, send_pending
from tests.digests.conftest import FRIDAY_9, Inbox, add_subscribers


class Picky(Inbox):
    """Refuses bounce@ for good (550) and later@ once (451)."""

    def __init__(self) -> None:
        super().__init__()
        self.deferred: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address.startswith("bounce@"):
            return "550 5.1.1 no such user"
        if address.startswith("later@") and address not in self.deferred:
            self.deferred.add(address)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def picky() -> Iterator[tuple[Picky, int]]:
    handler = Picky()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def test_temporary_and_permanent_refusals(
    engine: Engine, settings: Settings, filled_papers: None, picky: tuple[Picky, int]
) -> None:
    handler, port = picky
    conf = settings.model_copy(
        update={"smtp_url": f"smtp://127.0.0.1:{port}", "digest_suspend_after": 3}
    )
    add_subscribers(engine, ["ok@example.org", "later@example.org", "bounce@example.org"])
    day = FRIDAY_9
    plan_due(engine, day)
    first = send_pending(engine, conf, clock=lambda: day)
    assert (first.sent, first.retried, first.failed) == (1, 1, 1)
    # the retry waits for its backoff (30 s, doubling), then goes through
    assert send_pending(engine, conf, clock=lambda: day + timedelta(seconds=10)).sent == 0
    assert send_pending(engine, conf, clock=lambda: day + timedelta(seconds=31)).sent == 1
    assert sorted(str(m["To"]) for m in handler.messages) == [
        "later@example.org",
        "ok@example.org",
    ]
    for days in (3, 4):  # Monday and Tuesday: two more refusals suspend the address
        now = day + timedelta(days=days)
        plan_due(engine, now)
        send_pending(engine, conf, clock=lambda now=now: now)
    with engine.connect() as conn:
        suspended = (
            conn.execute(
                text("SELECT email FROM digest_subscriptions WHERE suspended_at IS NOT NULL")
            )
            .scalars()
            .all()
        )
        failed = (
            conn.execute(text("SELECT error FROM digest_deliveries WHERE status = 'failed'"))
            .scalars()
            .all()
        )
    assert suspended == ["bounce@example.org"]
    assert len(failed) == 3 and all("550" in e for e in failed)
    # suspended: no more planned
    wednesday = day + timedelta(days=5)
    assert plan_due(engine, wednesday) == 2
