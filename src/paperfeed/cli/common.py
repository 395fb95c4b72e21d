"""What every command needs: the settings, an upgraded database, a console, clean failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from paperfeed.config import Settings
    from paperfeed.ingest.summary import RunSummary

console = Console(stderr=True, highlight=False, soft_wrap=True)


def load_settings() -> Settings:
    from pydantic import ValidationError

    from paperfeed.config import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"PAPERFEED_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        fail(f"invalid settings: {problems}")
    if settings.json_logs:
        from paperfeed.ops.logs import use_json_logs

        use_json_logs()
    return settings


def ready_engine(settings: Settings) -> Engine:
    """The engine, with the schema brought up to date (creating the database if needed)."""
    from sqlalchemy.exc import OperationalError

    from paperfeed.db.engine import make_engine
    from paperfeed.db.migrate import upgrade
    from paperfeed.ops.health import schema_problem

    engine = make_engine(settings.sqlalchemy_url)
    try:
        problem = schema_problem(engine)
        if problem and settings.migrate_on_start and not problem.startswith("schema newer"):
            upgrade(engine)
            problem = None
    except OperationalError as exc:
        fail(
            f"cannot open the database {engine.url.render_as_string()}: "
            f"{str(exc.orig).splitlines()[0]}"
        )
    if problem:
        fail(f"{engine.url.render_as_string()}: {problem}")
    return engine


def fail(message: str, code: int = 1) -> NoReturn:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def report(summary: RunSummary) -> None:
    console.print(f"[green]done[/green] {summary.line()}")
    for note in summary.notes:
        console.print(f"  {note}")
    if summary.first_rejects:
        console.print(f"[yellow]{summary.counts.rejected:,} rejected[/yellow], for example:")
        for r in summary.first_rejects:
            console.print(f"  - {r.describe()}")
    if summary.rejects_path:
        console.print(f"  every reject, with where and why: {summary.rejects_path}")
