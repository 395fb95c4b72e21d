"""ETag and 304 Not Modified for every read (pages, their .json/.md/.bib twins, the API, the
feeds); CORS is FastAPI's middleware."""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SHARED_PREFIXES = ("/api/", "/feeds/")  # the same for everyone: caches may keep a minute
SHARED = "public, max-age=60"
PERSONAL = "private, no-cache"  # pages may show who is logged in: revalidate each time
SKIPPED_PREFIXES = ("/static/", "/api/docs")  # StaticFiles sends its own validators
KEPT_ON_304 = (b"set-cookie", b"vary", b"content-security-policy")


class ETagMiddleware:
    """A weak ETag of the body on every successful read; 304 when the client already has
    it. A plain ASGI middleware: it holds such a response until its body is complete, and
    passes every other one through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"].startswith(SKIPPED_PREFIXES)
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
            control = SHARED if scope["path"].startswith(SHARED_PREFIXES) else PERSONAL
            await _send_tagged(send, start, b"".join(chunks), wanted, scope["method"], control)

        await self.app(scope, receive, send_tagged)


async def _send_tagged(
    send: Send, start: Message, body: bytes, wanted: str, method: str, control: str
) -> None:
    etag = f'W/"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
    if etag in [t.strip() for t in wanted.split(",")] or wanted.strip() == "*":
        kept = [(k, v) for k, v in start.get("headers", []) if k.lower() in KEPT_ON_304]
        headers = [(b"etag", etag.encode()), (b"cache-control", control.encode()), *kept]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    tagged = MutableHeaders(scope=start)
    tagged["etag"] = etag
    tagged.setdefault("cache-control", control)
    if method == "GET":  # a HEAD response keeps the length its GET would have
        tagged["content-length"] = str(len(body))
    await send(start)
    await send({"type": "http.response.body", "body": body})
