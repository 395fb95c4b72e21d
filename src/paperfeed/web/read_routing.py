"""Which database a request reads from, decided once (db/replica.py says how), and the
cookie a write leaves so that its writer reads it back. A plain ASGI middleware."""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperfeed.db.replica import COOKIE, COOKIE_SECONDS, SAFE, ReadRouting


class ReadRoutingMiddleware:
    """scope["state"]["replica"]: whether this request's reads go to the read replica."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        routing: ReadRouting = scope["app"].state.reads
        if scope["type"] != "http" or not routing.has_replica:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        method = scope["method"]
        wrote = _cookie(headers.get("cookie", ""))
        state = scope.setdefault("state", {})
        state["replica"] = routing.choose(method, "authorization" in headers, wrote)
        if method in SAFE:
            await self.app(scope, receive, send)
            return

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                lsn = routing.written()
                if lsn is not None:
                    MutableHeaders(scope=message).append("set-cookie", _set_cookie(lsn))
            await send(message)

        await self.app(scope, receive, send_marked)


def _cookie(raw: str) -> str | None:
    return cookie_parser(raw).get(COOKIE) if COOKIE in raw else None


def _set_cookie(lsn: str) -> str:
    return f"{COOKIE}={lsn}; Max-Age={COOKIE_SECONDS}; Path=/; HttpOnly; SameSite=Lax"
