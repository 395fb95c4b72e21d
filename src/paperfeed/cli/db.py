"""`paperfeed db`: create and migrate the database."""

from __future__ import annotations

import typer

from paperfeed.cli.common import console, load_settings, ready_engine

app = typer.Typer(help="Create, migrate and check the database.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Create the database if needed and apply every migration (safe to repeat)."""
    from paperfeed.db.migrate import current_revision

    settings = load_settings()
    engine = ready_engine(settings)
    console.print(
        f"database {engine.url.render_as_string()} at revision {current_revision(engine)}"
    )


@app.command("check")
def check() -> None:
    """Fail when the models and the migrated schema disagree (a missing migration)."""
    from paperfeed.db.migrate import schema_differences

    engine = ready_engine(load_settings())
    diffs = schema_differences(engine)
    if diffs:
        for d in diffs:
            console.print(f"  {d}")
        raise typer.Exit(1)
    console.print("models and migrations agree")
