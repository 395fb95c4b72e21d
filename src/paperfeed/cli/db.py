"""`paperfeed db`: create and migrate the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from paperfeed.cli.common import console, fail, load_settings, ready_engine

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


def backup(
    dest: Annotated[Path, typer.Argument(help="A new folder for the backup.")],
) -> None:
    """Take a consistent snapshot of the database (and the secret key) while the site runs;
    search indexes are left out (rebuilt after a restore)."""
    from paperfeed.ops.backup import BackupError
    from paperfeed.ops.backup import backup as take

    settings = load_settings()
    engine = ready_engine(settings)
    try:
        with console.status(f"backing up {engine.url.render_as_string()} ..."):
            snap = take(settings, engine, dest)
    except BackupError as exc:
        fail(str(exc))
    rows = snap.manifest["rows"]
    console.print(
        f"[green]backed up[/green] into {dest}: {rows['papers']:,} papers, "
        f"{rows['users']:,} accounts, {rows['votes']:,} votes, {rows['comments']:,} comments, "
        f"{rows['digest_subscriptions']:,} subscriptions (revision {snap.manifest['revision']})"
    )


def restore(
    src: Annotated[Path, typer.Argument(help="A folder made by `paperfeed backup`.")],
) -> None:
    """Bring a backup into a new, empty database (PAPERFEED_DATABASE_URL, or the data
    folder's SQLite file); the search indexes are rebuilt when the site next starts."""
    from paperfeed.db.engine import make_engine
    from paperfeed.db.migrate import upgrade as migrate
    from paperfeed.ops.backup import BackupError
    from paperfeed.ops.backup import restore as bring_back

    settings = load_settings()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with console.status(f"restoring {src} ..."):
            snap = bring_back(settings, engine, src)
    except BackupError as exc:
        fail(str(exc))
    migrate(engine)  # a backup of an older release: brought to this code's schema
    console.print(
        f"[green]restored[/green] the backup of {snap.manifest['made_at']} into "
        f"{engine.url.render_as_string()}; `paperfeed serve` rebuilds the search indexes"
    )


def register(main: typer.Typer) -> None:
    main.command("backup")(backup)
    main.command("restore")(restore)
