"""Who is asking: the account behind the session cookie, resolved once per request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from paperfeed.community.accounts import Account, now_utc, session_account
from paperfeed.community.tokens import same
from paperfeed.web.csrf import COOKIE as CSRF_COOKIE
from paperfeed.web.csrf import HEADER as CSRF_HEADER

COOKIE = "pf_session"


class AccountMiddleware:
    """request.state.account: the signed-in account, or None (a plain ASGI middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            request.state.account = None
            raw = request.cookies.get(COOKIE)
            if raw and not scope["path"].startswith("/static/"):
                now = now_utc()
                request.state.account = request.app.state.reads.kept.run(
                    lambda conn: session_account(conn, raw, now)
                )
        await self.app(scope, receive, send)


def optional_account(request: Request) -> Account | None:
    account: Account | None = request.state.account
    return account


def required_account(request: Request) -> Account:
    account: Account | None = request.state.account
    if account is None:
        raise HTTPException(401, "Log in first.")
    return account


def verified_account(request: Request) -> Account:
    account = required_account(request)
    if not account.verified:
        raise HTTPException(403, "Confirm your email address first (see your account page).")
    return account


def set_session_cookie(response: Response, raw: str, secure: bool) -> None:
    response.set_cookie(
        COOKIE, raw, httponly=True, samesite="lax", secure=secure, max_age=60 * 60 * 24 * 30
    )


BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="apiToken",
    description="A personal API token, made in your account settings.",
)


def bearer_account(
    request: Request,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None,
) -> Account:
    """The account of `Authorization: Bearer <token>` (write API); 401 otherwise.
    (`_declared`: the scheme, so that the OpenAPI document says how to authenticate.)"""
    from paperfeed.community.api_tokens import token_account

    header = request.headers.get("authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise HTTPException(
            401,
            "Send a personal API token: Authorization: Bearer <token> "
            "(create one in your account settings).",
        )
    with request.app.state.engine.begin() as conn:
        account = token_account(conn, raw.strip(), now_utc())
    if account is None:
        raise HTTPException(401, "This API token is unknown or revoked.")
    if not account.verified:
        raise HTTPException(403, "Confirm your email address first.")
    return account


def api_member(
    request: Request,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None,
) -> Account:
    """A member's own things over /api: a personal API token, or the site's session cookie
    with the page's CSRF token in `X-CSRF-Token` for a change (the buttons on the pages)."""
    if request.headers.get("authorization"):
        return bearer_account(request)
    account: Account | None = request.state.account
    if account is None:
        raise HTTPException(
            401, "Log in, or send a personal API token: Authorization: Bearer <token>."
        )
    if request.method not in ("GET", "HEAD"):
        sent = request.headers.get(CSRF_HEADER) or ""
        cookie = request.cookies.get(CSRF_COOKIE) or ""
        if not sent or not cookie or not same(sent, cookie):
            raise HTTPException(403, "Send the page's CSRF token in X-CSRF-Token.")
    return account
