"""`paperfeed digest preview | send` and `paperfeed worker`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from paperfeed.cli.common import console, fail, load_settings, ready_engine

if TYPE_CHECKING:
    from paperfeed.config import Settings
    from paperfeed.search.keyword import KeywordIndex

app = typer.Typer(help="Email digests: preview one, send the due ones.", no_args_is_help=True)


@app.command("preview")
def preview(
    email: Annotated[str, typer.Argument(help="A subscriber's address.")],
    html: Annotated[bool, typer.Option(help="Print the HTML part instead of the text.")] = False,
) -> None:
    """Print the digest EMAIL would get now (nothing is sent or recorded)."""
    from datetime import UTC, datetime

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from paperfeed.digests.compose import Composer
    from paperfeed.digests.delivery import digest_message
    from paperfeed.digests.models import Subscription
    from paperfeed.digests.schedule import local_now

    settings = load_settings()
    engine = ready_engine(settings)
    now = datetime.now(UTC)
    with Session(engine) as session:
        sub = session.scalars(
            select(Subscription).where(Subscription.email == email.strip().lower())
        ).first()
        if sub is None:
            fail(f"no subscription for {email}")
        kind = "weekly" if sub.frequency == "weekly" else "daily"
        period = f"{kind}:{local_now(sub, now).date().isoformat()}"
        items = Composer(engine, now, _keyword(settings)).items(sub, period)
        message = digest_message(settings, sub, period, items).parsed()
    console.print(f"[bold]Subject:[/bold] {message['Subject']}")
    for header in ("To", "List-Unsubscribe", "List-Unsubscribe-Post"):
        console.print(f"[bold]{header}:[/bold] {message[header]}")
    wanted = "text/html" if html else "text/plain"
    for part in message.walk():
        if part.get_content_type() == wanted:
            payload = part.get_payload(decode=True)
            print(payload.decode("utf-8") if isinstance(payload, bytes) else payload)


def _keyword(settings: Settings) -> KeywordIndex:
    from paperfeed.search.indexing import keyword_path
    from paperfeed.search.keyword import KeywordIndex

    return KeywordIndex(keyword_path(settings))


@app.command("send")
def send(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what is due; send and record nothing.")
    ] = False,
    plan: Annotated[
        bool, typer.Option(help="Plan the digests due now first (--no-plan: only send pending).")
    ] = True,
) -> None:
    """Plan the digests due now and send every pending one (what the worker does each minute)."""
    from datetime import UTC, datetime

    from sqlalchemy.orm import Session

    from paperfeed.digests.delivery import active, plan_due, send_pending
    from paperfeed.digests.models import Subscription
    from paperfeed.digests.schedule import due_period

    settings = load_settings()
    engine = ready_engine(settings)
    if dry_run:
        from sqlalchemy import select

        now = datetime.now(UTC)
        with Session(engine) as session:
            subs = session.scalars(select(Subscription).where(*active())).all()
            due = [(s.email, p) for s in subs if (p := due_period(s, now))]
        for email, period in due:
            console.print(f"due: {email} {period}")
        console.print(f"{len(due):,} digests due now (already sent ones are not sent again)")
        return
    planned = plan_due(engine) if plan else 0
    result = send_pending(engine, settings, keyword=_keyword(settings))
    console.print(
        f"[green]done[/green] {planned:,} newly due; {result.sent:,} sent, {result.skipped:,} "
        f"skipped (empty), {result.retried:,} to retry, {result.failed:,} failed"
    )


def worker(
    workers: Annotated[int, typer.Option(min=1, max=16, help="Worker threads.")] = 2,
) -> None:
    """Run the job queue: digests every minute, search indexes every 5 minutes, thumbnails
    every 10, a harvest hourly."""
    from huey.consumer import Consumer

    from paperfeed.digests.queue import make_queue

    settings = load_settings()
    ready_engine(settings)
    queue = make_queue(settings).huey
    console.print(f"worker: {type(queue).__name__} queue, {workers} threads (Ctrl+C stops it)")
    Consumer(queue, workers=workers, periodic=True).run()
