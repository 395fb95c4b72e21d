"""`paperfeed thumbnails`: first-page thumbnails of recent papers, fetched from arXiv's PDFs."""

from __future__ import annotations

from typing import Annotated

import typer

from paperfeed.cli.common import console, load_settings, ready_engine


def thumbnails(
    days: Annotated[int, typer.Option(min=1, max=3650, help="Papers of the last N feed days.")] = 3,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Try again the papers whose thumbnail failed.")
    ] = False,
) -> None:
    """Make the missing thumbnails (one PDF at a time, at the arXiv delay), kept in the
    database; a PDF that cannot be fetched or rendered is reported, marked failed (with the
    reason) and skipped until --retry-failed."""
    from paperfeed.ingest.harvester import client_for
    from paperfeed.ingest.progress import RichReporter
    from paperfeed.papers.thumbnails import forget_failures, make_thumbnails

    settings = load_settings()
    engine = ready_engine(settings)
    if retry_failed:
        console.print(f"{forget_failures(engine, days):,} failed thumbnails to try again")
    reporter = RichReporter(console, "papers")
    with client_for(settings, reporter) as client:
        run = make_thumbnails(engine, settings, client, days=days, reporter=reporter)
    console.print(
        f"[green]done[/green] {run.made:,} made, {run.present:,} already there or failed "
        f"before, {len(run.failed):,} failed now"
    )
    for arxiv_id, why in run.failed[:10]:
        console.print(f"  {arxiv_id}: {why}")


def register(app: typer.Typer) -> None:
    app.command("thumbnails")(thumbnails)
