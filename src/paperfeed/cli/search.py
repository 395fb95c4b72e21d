"""`paperfeed index | embed | reindex`: the keyword and vector indexes of search."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from paperfeed.cli.common import console, fail, load_settings, ready_engine

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from paperfeed.config import Settings
    from paperfeed.search.indexing import EmbedResult


def register(app: typer.Typer) -> None:
    app.command("index")(index)
    app.command("embed")(embed)
    app.command("reindex")(reindex)


def index() -> None:
    """Add papers stored since the last pass to the keyword index (import, harvest and fetch
    do this themselves)."""
    settings = load_settings()
    update_keyword_index(ready_engine(settings), settings)


def update_keyword_index(engine: Engine, settings: Settings) -> None:
    from paperfeed.ingest.progress import RichReporter
    from paperfeed.search.indexing import keyword_path, sync_keyword
    from paperfeed.search.keyword import IndexBusy, KeywordIndex

    try:
        n = sync_keyword(
            engine,
            KeywordIndex(keyword_path(settings)),
            wait=60,
            reporter=RichReporter(console, "papers"),
        )
    except IndexBusy:
        console.print("[yellow]keyword index busy in another process; it will catch up[/yellow]")
        return
    if n:
        console.print(f"keyword index: {n:,} papers indexed")


def embed(
    limit: Annotated[
        int | None, typer.Option(min=1, help="Embed at most this many papers (default: all).")
    ] = None,
) -> None:
    """Embed papers that have no embedding yet (or changed), then update the vector index."""
    settings = load_settings()
    engine = ready_engine(settings)
    result = run_embed(engine, settings, limit)
    if result is None:
        fail("another `paperfeed embed` is running on this data folder")


def run_embed(engine: Engine, settings: Settings, limit: int | None = None) -> EmbedResult | None:
    """Embed and report; None when another `paperfeed embed` holds this data folder."""
    from paperfeed.ingest.progress import RichReporter
    from paperfeed.search.indexing import embed_pending, pending_embeddings

    pending = pending_embeddings(engine, settings.embedding_model)
    console.print(f"{pending:,} papers to embed with {settings.embedding_model}")
    result = embed_pending(engine, settings, reporter=RichReporter(console, "papers"), limit=limit)
    if pending and not result.embedded and not result.indexed:
        return None
    rate = result.embedded / result.seconds if result.seconds else 0
    console.print(
        f"[green]done[/green] {result.embedded:,} embedded ({rate:,.1f}/s), "
        f"{result.indexed:,} added to the vector index"
    )
    return result


def reindex(
    keyword: Annotated[bool, typer.Option(help="Rebuild the keyword index.")] = True,
    vectors: Annotated[bool, typer.Option(help="Rebuild the vector index.")] = True,
) -> None:
    """Rebuild the search indexes from the database (they are derived from it)."""
    from paperfeed.ingest.progress import RichReporter
    from paperfeed.search.indexing import keyword_path, rebuild_keyword, sync_vectors
    from paperfeed.search.keyword import IndexBusy, KeywordIndex

    settings = load_settings()
    engine = ready_engine(settings)
    if keyword:
        try:
            n = rebuild_keyword(
                engine, KeywordIndex(keyword_path(settings)), RichReporter(console, "papers")
            )
        except IndexBusy:
            fail("the keyword index is being written by another process; try again later")
        console.print(f"keyword index rebuilt: {n:,} papers")
    if vectors:
        n = sync_vectors(engine, settings, rebuild=True)
        console.print(f"vector index rebuilt: {n:,} embeddings ({settings.embedding_model})")
