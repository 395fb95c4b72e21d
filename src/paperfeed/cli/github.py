"""`paperfeed github`: check the stars of the repositories of recent papers."""

from __future__ import annotations

from typing import Annotated

import typer

from paperfeed.cli.common import console, fail, load_settings, ready_engine

app = typer.Typer(help="GitHub stars for trending.", no_args_is_help=True)


@app.command("refresh")
def refresh(
    days: Annotated[int, typer.Option(min=1, max=90, help="Papers of the last N days.")] = 30,
) -> None:
    """Record the star count of every GitHub repository that recent papers mention."""
    from paperfeed.community.github import GitHubError, refresh_stars

    settings = load_settings()
    engine = ready_engine(settings)
    try:
        checked = refresh_stars(engine, settings, days=days)
    except GitHubError as exc:
        fail(str(exc))
    console.print(f"checked {checked} repositories")
