"""`paperfeed users`: administer accounts."""

from __future__ import annotations

from typing import Annotated

import typer

from paperfeed.cli.common import console, fail, load_settings, ready_engine

app = typer.Typer(help="Administer accounts.", no_args_is_help=True)


@app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Argument(help="The admin's email address.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="PAPERFEED_ADMIN_PASSWORD",
            help="Asked for when not given.",
        ),
    ],
) -> None:
    """Create an admin account (or make an existing account admin), verified."""
    from paperfeed.community.accounts import AccountError, create_admin, now_utc

    engine = ready_engine(load_settings())
    try:
        with engine.begin() as conn:
            create_admin(conn, email, password, now_utc())
    except AccountError as exc:
        fail(str(exc))
    console.print(f"{email} is an admin")


@app.command("set-role")
def set_role(
    email: str, role: Annotated[str, typer.Argument(help="user, moderator or admin")]
) -> None:
    """Give an account a role."""
    from paperfeed.community.accounts import AccountError
    from paperfeed.community.accounts import set_role as change

    engine = ready_engine(load_settings())
    try:
        with engine.begin() as conn:
            found = change(conn, email, role)
    except AccountError as exc:
        fail(str(exc))
    if not found:
        fail(f"no account uses {email}")
    console.print(f"{email} is now {role}")
