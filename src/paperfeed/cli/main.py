"""`paperfeed`: the entry point that gathers every command group."""

from __future__ import annotations

import typer

from paperfeed.cli import db, digest, github, ingest, search, serve, thumbnails, users

app = typer.Typer(
    name="paperfeed",
    help="paperfeed: a self-hostable research-paper discovery service fed by arXiv.\n\n"
    "Settings come from PAPERFEED_* environment variables (see docs/configuration.md).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="users")
app.add_typer(github.app, name="github")
app.add_typer(digest.app, name="digest")
app.command("worker")(digest.worker)
db.register(app)
ingest.register(app)
search.register(app)
serve.register(app)
thumbnails.register(app)


def main() -> None:
    app()
