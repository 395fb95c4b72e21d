"""Exactly-once digest delivery, with the state in the database.

1. plan_due: for every active subscription whose digest is due, insert a pending delivery
   row for (subscription, period); the unique constraint makes this idempotent, so two
   schedulers, or one restarted, never plan a period twice, and a planned digest is never
   forgotten.
2. send_pending: claim a batch of pending rows with a conditional UPDATE (status pending ->
   sending, with this batch's claim token); only the rows this token holds are sent, over
   one SMTP connection. Per message: renew the claim (only if still ours), transmit all but
   the end mark, commit the id to the batch's journal (journal.py), send the end mark, read
   the reply, commit "sent". 4xx or a refused or lost connection: back to pending with
   backoff; 5xx: failed, and the address suspended after repeated refusals.
3. A claim older than the lease belongs to a sender that died: the ids its journal holds
   are sent (their end mark went out); the others never got their end mark, so the server
   discarded them, and they go back to pending to be sent again.
   The journal is a table: a sender on any host recovers any dead sender's batch.
What remains: a sender killed between the journal's commit and the end mark loses that
digest (counted sent).
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Any, cast

from markupsafe import Markup
from sqlalchemy import Engine, Table, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from paperfeed.db.engine import reader
from paperfeed.digests.compose import Composer, Item, period_label
from paperfeed.digests.journal import Journal, forget, marked
from paperfeed.digests.mime import Digest, build
from paperfeed.digests.models import Delivery, Subscription
from paperfeed.digests.schedule import due_period
from paperfeed.digests.tokens import make_token
from paperfeed.digests.transport import MailerTransport, Refused, SmtpTransport, Transport
from paperfeed.email.mailers import mailer_for
from paperfeed.email.message import fragment, render

if TYPE_CHECKING:
    from paperfeed.config import Settings
    from paperfeed.search.keyword import KeywordIndex

log = logging.getLogger(__name__)
deliveries = cast(Table, Delivery.__table__)
subscriptions = cast(Table, Subscription.__table__)
BATCH = 200
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def active() -> Any:
    s = subscriptions.c
    return (
        s.confirmed_at.is_not(None),
        s.unsubscribed_at.is_(None),
        s.suspended_at.is_(None),
    )


# -- planning -------------------------------------------------------------------------
def plan_due(engine: Engine, now: datetime | None = None) -> int:
    """Create the pending rows of every digest due now; returns how many were new."""
    now = now or utcnow()
    with Session(engine) as session:
        subs = session.scalars(select(Subscription).where(*active())).all()
    rows = [
        {
            "subscription_id": sub.id,
            "period": period,
            "status": "pending",
            "attempts": 0,
            "papers": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for sub in subs
        if (period := due_period(sub, now))
    ]
    if not rows:
        return 0
    created = 0
    with engine.begin() as conn:
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        for start in range(0, len(rows), 1000):
            stmt = insert(deliveries).values(rows[start : start + 1000])
            stmt = stmt.on_conflict_do_nothing(index_elements=["subscription_id", "period"])
            created += len(conn.execute(stmt.returning(deliveries.c.id)).all())
    return created


# -- sending --------------------------------------------------------------------------
@dataclass
class SendResult:
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0

    def __iadd__(self, other: SendResult) -> SendResult:
        self.sent += other.sent
        self.skipped += other.skipped
        self.retried += other.retried
        self.failed += other.failed
        return self


def transport_for(settings: Settings) -> Transport:
    if settings.smtp_url and settings.mail_backend in ("auto", "smtp"):
        return SmtpTransport(settings.smtp_url, settings.mail_from)
    return MailerTransport(mailer_for(settings))


def send_pending(
    engine: Engine,
    settings: Settings,
    *,
    transport: Transport | None = None,
    keyword: KeywordIndex | None = None,
    clock: Clock = utcnow,
    batch: int = BATCH,
    max_batches: int | None = None,
) -> SendResult:
    """Send every pending digest that is due (batch by batch) and return the counts."""
    transport = transport or transport_for(settings)
    # shared by every batch of this run
    composer = Composer(engine, clock(), keyword, settings.embedding_model)
    total = SendResult()
    done = 0
    while max_batches is None or done < max_batches:
        release_stale(engine, settings, clock())
        token, claimed = claim(engine, clock(), batch)
        if not claimed:
            break
        result = _send_batch(engine, settings, transport, composer, clock, token, claimed)
        total += result
        done += 1
        if result.sent == 0 and result.retried:  # the server is down: wait for the backoff
            break
    return total


def release_stale(engine: Engine, settings: Settings, now: datetime) -> int:
    """Settle the rows of senders that died (claim older than the lease): those whose end
    mark their journal records are sent; the others go back to pending."""
    lease = now - timedelta(seconds=settings.digest_lease_seconds)
    d = deliveries.c
    stale = (d.status == "sending", d.claimed_at < lease)
    with engine.begin() as conn:
        rows = conn.execute(select(d.id, d.claimed_by).where(*stale)).all()
        tokens = {t for _, t in rows if t}
        for token in tokens:
            sent = marked(conn, token) & {i for i, t in rows if t == token}
            if sent:
                conn.execute(
                    update(deliveries)
                    .where(d.id.in_(sent), d.claimed_by == token, *stale)
                    .values(status="sent", sent_at=now, attempts=d.attempts + 1)
                )
        released = (
            conn.execute(
                update(deliveries)
                .where(*stale)
                .values(status="pending", claimed_by=None, claimed_at=None)
            ).rowcount
            or 0
        )
        for token in tokens:  # settled with the rows, in the same transaction
            forget(conn, token)
    return released


def claim(engine: Engine, now: datetime, batch: int) -> tuple[str, list[int]]:
    """Claim up to `batch` due rows for this batch's token; only rows still pending move."""
    token = uuid.uuid4().hex
    d = deliveries.c
    with engine.begin() as conn:
        ids = (
            conn.execute(
                select(d.id)
                .where(d.status == "pending", d.next_attempt_at <= now)
                .order_by(d.next_attempt_at, d.id)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not ids:
            return token, []
        conn.execute(
            update(deliveries)
            .where(d.id.in_(ids), d.status == "pending")
            .values(status="sending", claimed_by=token, claimed_at=now)
        )
        mine = (
            conn.execute(
                select(d.id).where(d.claimed_by == token, d.status == "sending").order_by(d.id)
            )
            .scalars()
            .all()
        )
    return token, list(mine)


def _send_batch(
    engine: Engine,
    settings: Settings,
    transport: Transport,
    composer: Composer,
    clock: Clock,
    token: str,
    ids: list[int],
) -> SendResult:
    with Session(reader(engine)) as session:  # read, then let go of the database
        claimed = session.execute(
            select(Delivery, Subscription)
            .join(Subscription, Subscription.id == Delivery.subscription_id)
            .where(Delivery.id.in_(ids))
            .order_by(Delivery.id)
        ).all()
    work = [_compose(settings, composer, d, sub) for d, sub in claimed]
    try:
        transport.open()
    except (OSError, smtplib.SMTPException) as exc:
        for delivery_id, *_ in work:
            _retry(engine, settings, clock(), delivery_id, token, f"connect: {exc}")
        return SendResult(retried=len(work))
    return _Batch(engine, settings, transport, clock, token).send(work)


Work = tuple[int, int, Digest | None, int]
FLUSH_EVERY = 100  # "sent" rows committed together (the journal covers the ones between)


class _Batch:
    """Sends one claimed batch over one connection, keeping the claim alive."""

    def __init__(
        self, engine: Engine, settings: Settings, transport: Transport, clock: Clock, token: str
    ) -> None:
        self.engine, self.settings, self.transport = engine, settings, transport
        self.clock, self.token = clock, token
        self.journal = Journal(engine, token)
        self.result = SendResult()
        self.sent: list[tuple[int, int, int]] = []  # (delivery id, subscription id, papers)
        self.renewed = clock()

    def send(self, work: list[Work]) -> SendResult:
        settled = False
        try:
            for n, (delivery_id, sub_id, message, count) in enumerate(work):
                if not self._still_ours(delivery_id):
                    self.result.skipped += 1  # another worker took it over: it sends it
                    continue
                try:
                    outcome = self._one(delivery_id, sub_id, message, count)
                except (OSError, smtplib.SMTPException) as exc:  # connection lost
                    self.transport.abort()
                    self._flush()
                    for rest in work[n:]:
                        _retry(
                            self.engine,
                            self.settings,
                            self.clock(),
                            rest[0],
                            self.token,
                            f"connection: {exc}",
                        )
                    self.result.retried += len(work) - n
                    settled = True
                    return self.result
                setattr(self.result, outcome, getattr(self.result, outcome) + 1)
                if len(self.sent) >= FLUSH_EVERY:
                    self._flush()
            self._flush()
            settled = True
        finally:
            self.transport.close()
            self.journal.close(remove=settled)
        return self.result

    def _still_ours(self, delivery_id: int) -> bool:
        """Renew the batch's claim when a third of the lease has passed; False for a row
        that another worker has taken over meanwhile."""
        now = self.clock()
        if (now - self.renewed).total_seconds() < self.settings.digest_lease_seconds / 3:
            return True
        self._flush()
        d = deliveries.c
        with self.engine.begin() as conn:
            conn.execute(
                update(deliveries)
                .where(d.claimed_by == self.token, d.status == "sending")
                .values(claimed_at=now)
            )
            ours = conn.execute(
                select(d.id).where(
                    d.id == delivery_id, d.claimed_by == self.token, d.status == "sending"
                )
            ).first()
        self.renewed = now
        return ours is not None

    def _one(self, delivery_id: int, sub_id: int, message: Digest | None, n: int) -> str:
        d = deliveries.c
        if message is None:
            with self.engine.begin() as conn:
                conn.execute(
                    update(deliveries)
                    .where(d.id == delivery_id, d.claimed_by == self.token)
                    .values(status="skipped", sent_at=self.clock())
                )
            return "skipped"
        args = (self.engine, self.settings, self.clock(), delivery_id, sub_id, self.token)
        try:
            self.transport.begin(self.settings.mail_from, message.data, message.to)
        except Refused as exc:
            return _refused(*args, exc)
        self.journal.mark(delivery_id)  # from here on, a crash counts the digest as sent
        code, text = self.transport.finish()
        if code >= 400:
            return _refused(*args, Refused(code, text))
        self.sent.append((delivery_id, sub_id, n))
        return "sent"

    def _flush(self) -> None:
        if not self.sent:
            return
        d, s = deliveries.c, subscriptions.c
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(  # one executemany (pipelined by psycopg), not a round trip a row
                update(deliveries)
                .where(
                    d.id == bindparam("delivery"),
                    d.claimed_by == self.token,
                    d.status == "sending",
                )
                .values(status="sent", sent_at=now, papers=bindparam("n"), attempts=d.attempts + 1),
                [{"delivery": i, "n": papers} for i, _sub, papers in self.sent],
            )
            conn.execute(
                update(subscriptions)
                .where(s.id.in_([sub for _, sub, _ in self.sent]), s.refusals > 0)
                .values(refusals=0)
            )
        self.sent = []


def _compose(settings: Settings, composer: Composer, delivery: Delivery, sub: Subscription) -> Work:
    items = composer.items(sub, delivery.period)
    if not items and sub.skip_empty:
        return delivery.id, sub.id, None, 0
    message = digest_message(settings, sub, delivery.period, items, delivery.id)
    return delivery.id, sub.id, message, len(items)


def _refused(
    engine: Engine,
    settings: Settings,
    now: datetime,
    delivery_id: int,
    sub_id: int,
    token: str,
    exc: Refused,
) -> str:
    if not exc.permanent:
        return (
            "retried" if _retry(engine, settings, now, delivery_id, token, str(exc)) else "failed"
        )
    d, s = deliveries.c, subscriptions.c
    with engine.begin() as conn:
        conn.execute(
            update(deliveries)
            .where(d.id == delivery_id, d.claimed_by == token)
            .values(status="failed", error=str(exc)[:500], attempts=d.attempts + 1)
        )
        conn.execute(update(subscriptions).where(s.id == sub_id).values(refusals=s.refusals + 1))
        conn.execute(
            update(subscriptions)
            .where(
                s.id == sub_id,
                s.refusals >= settings.digest_suspend_after,
                s.suspended_at.is_(None),
            )
            .values(suspended_at=now)
        )
    return "failed"


def _retry(
    engine: Engine, settings: Settings, now: datetime, delivery_id: int, token: str, error: str
) -> bool:
    """Back to pending after a temporary failure, later each time; False when out of tries."""
    d = deliveries.c
    with engine.begin() as conn:
        attempts = conn.execute(select(d.attempts).where(d.id == delivery_id)).scalar_one() + 1
        give_up = attempts >= settings.digest_max_attempts
        delay = settings.digest_retry_base_seconds * 2 ** (attempts - 1)
        conn.execute(
            update(deliveries)
            .where(d.id == delivery_id, d.claimed_by == token)
            .values(
                status="failed" if give_up else "pending",
                attempts=attempts,
                next_attempt_at=now + timedelta(seconds=delay),
                claimed_by=None,
                claimed_at=None,
                error=error[:500],
            )
        )
    return not give_up


# -- the message ----------------------------------------------------------------------
def links(settings: Settings, sub: Subscription) -> dict[str, str]:
    base = settings.base_url.rstrip("/")
    unsubscribe = make_token(settings, "unsubscribe", sub.id, sub.email)
    manage = make_token(settings, "manage", sub.id, sub.email)
    return {
        "manage": f"{base}/digests/manage?token={manage}",
        "unsubscribe": f"{base}/digests/unsubscribe?token={unsubscribe}",
        "unsubscribe_token": unsubscribe,
        "base": base,
    }


def digest_message(
    settings: Settings,
    sub: Subscription,
    period: str,
    items: list[Item],
    delivery_id: int | None = None,
) -> Digest:
    urls = links(settings, sub)
    base = urls["base"]

    def paper_fragment(paper: dict[str, Any], kind: str) -> Markup:
        # the same paper in many digests of a run: rendered once (cached on its row)
        key = f"_fragment_{kind}"
        if key not in paper:
            paper[key] = fragment(f"digest/_paper.{kind}", p=paper, base=base)
        return cast(Markup, paper[key])

    message = render(
        "digest",
        sub.email,
        fragment=paper_fragment,
        items=items,
        period=period_label(period),
        weekly=period.startswith("weekly:"),
        site=settings.site_name,
        **urls,
    )
    host = _host(settings)
    mailto = _mailto(settings.mail_from, urls["unsubscribe_token"])
    if delivery_id is not None:  # the same digest always has the same Message-ID
        message_id = f"<digest-{delivery_id}.{period.replace(':', '-')}@{host}>"
    else:
        message_id = make_msgid(domain=host)
    headers = [
        ("From", settings.mail_from),
        ("To", sub.email),
        ("Subject", message.subject),
        ("Date", formatdate(usegmt=True)),
        ("Message-ID", message_id),
        ("List-Id", f"{settings.site_name} digest <digest.{host}>"),
        ("List-Unsubscribe", f"<{urls['unsubscribe']}>,\r\n <{mailto}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    ]
    return Digest(sub.email, build(headers, message.text, message.html))


def _host(settings: Settings) -> str:
    from urllib.parse import urlparse

    return urlparse(settings.base_url).hostname or "localhost"


def _mailto(sender: str, token: str) -> str:
    from email.utils import parseaddr

    address = parseaddr(sender)[1] or "paperfeed@localhost"
    return f"mailto:{address}?subject=unsubscribe%20{token}"


def recent(engine: Engine, limit: int = 200) -> list[dict[str, Any]]:
    """Latest deliveries with their addresses, for the admin view."""
    d, s = deliveries.c, subscriptions.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(d.id, d.period, d.status, d.attempts, d.sent_at, d.papers, d.error, s.email)
            .join(subscriptions, s.id == d.subscription_id)
            .order_by(d.id.desc())
            .limit(limit)
        ).mappings()
        return [dict(r) for r in rows]


def status_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(deliveries.c.status, func.count()).group_by(deliveries.c.status))
        return {status: n for status, n in rows}
