"""CSRF protection by double submit: a random HttpOnly cookie, echoed in every form or header."""

from __future__ import annotations

import secrets

from fastapi import HTTPException, Request
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperfeed.community.tokens import same

COOKIE = "pf_csrf"
HEADER = "x-csrf-token"
FIELD = "csrf_token"


class CsrfCookieMiddleware:
    """Give every visitor a CSRF token (request.state.csrf) and keep it in a cookie.

    A plain ASGI middleware: it adds one header to the response as it passes."""

    def __init__(self, app: ASGIApp, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        token = request.cookies.get(COOKIE)
        fresh = not token or len(token) != 43
        request.state.csrf = secrets.token_urlsafe(32) if fresh else token
        if not fresh:
            await self.app(scope, receive, send)
            return
        cookie = self._cookie(request.state.csrf)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _cookie(self, token: str) -> str:
        response = Response()
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=self.secure,
            max_age=60 * 60 * 24 * 365,
        )
        return response.headers["set-cookie"]


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
