"""`paperfeed serve | up`: run the web site (after a harvest, for `up`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from paperfeed.cli.common import console, load_settings, ready_engine

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from paperfeed.config import Settings


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("up")(up)


HostOpt = Annotated[str | None, typer.Option(help="Address to listen on (PAPERFEED_HOST).")]
PortOpt = Annotated[int | None, typer.Option(help="Port to listen on (PAPERFEED_PORT).")]


def serve(host: HostOpt = None, port: PortOpt = None) -> None:
    """Serve the web site and its JSON twins."""
    settings = load_settings()
    _serve(settings, ready_engine(settings), host, port)


def up(
    host: HostOpt = None,
    port: PortOpt = None,
    harvest: Annotated[bool, typer.Option(help="Harvest recent papers before serving.")] = True,
) -> None:
    """Create the database, harvest the last days of PAPERFEED_CATEGORIES, then serve."""
    from paperfeed.cli.ingest import run_harvest
    from paperfeed.papers.queries import count_papers

    settings = load_settings()
    engine = ready_engine(settings)
    console.print(f"database ready: {engine.url.render_as_string()}")
    if harvest and not run_harvest(engine, settings, None, None, None, None):
        with engine.connect() as conn:
            stored = count_papers(conn)
        console.print(f"serving the {stored:,} papers stored.")
    _serve(settings, engine, host, port)


def _serve(settings: Settings, engine: Engine, host: str | None, port: int | None) -> None:
    import uvicorn

    from paperfeed.app import create_app

    host, port = host or settings.host, port or settings.port
    console.print(f"paperfeed is at [bold]http://{host}:{port}[/bold]  (Ctrl+C stops it)")
    uvicorn.run(create_app(settings, engine), host=host, port=port, log_level="warning")
