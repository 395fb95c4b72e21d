"""ETag and 304 Not Modified for the read API and the feeds; CORS is FastAPI's middleware."""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CACHED_PREFIXES = ("/api/", "/feeds/")
CACHE_CONTROL = "public, max-age=60"


class ETagMiddleware:
    """A weak ETag of the body on successful reads under CACHED_PREFIXES; 304 when the
    client already has it. A plain ASGI middleware: it holds such a response until its
    body is complete, and passes every other one through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not scope["path"].startswith(CACHED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        wanted = Headers(scope=scope).get("if-none-match", "")
        start: Message | None = None
        chunks: list[bytes] = []

        async def send_tagged(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if message["status"] != 200:
                    await send(message)
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await _send_tagged(send, start, b"".join(chunks), wanted, scope["method"])

        await self.app(scope, receive, send_tagged)


async def _send_tagged(send: Send, start: Message, body: bytes, wanted: str, method: str) -> None:
    etag = f'W/"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
    if etag in [t.strip() for t in wanted.split(",")] or wanted.strip() == "*":
        headers = [(b"etag", etag.encode()), (b"cache-control", CACHE_CONTROL.encode())]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    tagged = MutableHeaders(scope=start)
    tagged["etag"] = etag
    tagged["cache-control"] = CACHE_CONTROL
    if method == "GET":  # a HEAD response keeps the length its GET would have
        tagged["content-length"] = str(len(body))
    await send(start)
    await send({"type": "http.response.body", "body": body})
