"""CSRF protection by double submit: a random HttpOnly cookie, echoed in every form or header."""

from __future__ import annotations

import secrets

from fastapi import HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response
from starlette.types import ASGIApp

from paperfeed.community.tokens import same

COOKIE = "pf_csrf"
HEADER = "x-csrf-token"
FIELD = "csrf_token"


class CsrfCookieMiddleware(BaseHTTPMiddleware):
    """Give every visitor a CSRF token (request.state.csrf) and keep it in a cookie."""

    def __init__(self, app: ASGIApp, secure: bool) -> None:
        super().__init__(app)
        self.secure = secure

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        token = request.cookies.get(COOKIE)
        fresh = not token or len(token) != 43
        request.state.csrf = secrets.token_urlsafe(32) if fresh else token
        response = await call_next(request)
        if fresh:
            response.set_cookie(
                COOKIE,
                request.state.csrf,
                httponly=True,
                samesite="lax",
                secure=self.secure,
                max_age=60 * 60 * 24 * 365,
            )
        return response


async def check_csrf(request: Request) -> None:
    """Dependency for every state-changing route."""
    sent = request.headers.get(HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(FIELD)
        sent = value if isinstance(value, str) else None
    cookie = request.cookies.get(COOKIE)
    if not sent or not cookie or not same(sent, cookie):
        raise HTTPException(
            403, "This form expired or came from another site: reload the page and try again."
        )
