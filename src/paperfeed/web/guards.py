"""What every request passes through: security headers, a bound on request bodies, NUL bytes
refused, and an error page for anything unexpected that keeps the connection alive.

One plain ASGI middleware, the outermost of the app's own: it sees the raw body chunks
(so a 300 MB upload is refused at its first bytes, never buffered) and every response.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("paperfeed.web")

# No inline script and no inline style anywhere on the site: pages load /static/app.js and
# /static/app.css only, and MathML needs neither. frame-ancestors: no framing (clickjacking).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# The interactive API docs are FastAPI's Swagger UI page, whose start-up script is inline.
NO_CSP_PATHS = ("/api/docs",)
_NUL_FORM = re.compile(rb"%00", re.IGNORECASE)
_NUL_JSON = re.compile(rb"\\u0000", re.IGNORECASE)


@dataclass
class Refusal(Exception):
    status: int
    message: str


class RequestGuard:
    """Security headers on every answer; bodies over `max_body` bytes answered 413
    (by Content-Length up front, or counted as they stream); a NUL character in the
    address or a text body answered 400; an unexpected error answered 500 by the
    site's error page, without closing the keep-alive connection."""

    def __init__(self, app: ASGIApp, max_body: int, body_limits: dict[str, int]) -> None:
        self.app = app
        self.max_body = max_body
        self.body_limits = body_limits

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.body_limits.items():
            if path.startswith(prefix):
                return limit
        return self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:  # HEAD wherever GET works: answered as GET, without the body
            scope = {**scope, "method": "GET"}
        exchange = _Exchange(scope, receive, send, self.limit_for(scope["path"]), head)
        refusal = exchange.refusal_up_front()
        if refusal is not None:
            await exchange.refuse(refusal)
            return
        try:
            await self.app(scope, exchange.receive, exchange.send)
        except Refusal as exc:
            await exchange.refuse(exc)
        except Exception:
            log.exception("unhandled error on %s", scope["path"])
            await exchange.refuse(Refusal(500, "Something went wrong on our side; it was logged."))
        else:
            if exchange.refused is not None and not exchange.started:
                await exchange.refuse(exchange.refused)


class _Exchange:
    def __init__(
        self, scope: Scope, receive: Receive, send: Send, limit: int, head: bool = False
    ) -> None:
        self.scope, self._receive, self._send, self.limit = scope, receive, send, limit
        self.head = head
        self.headers = {k.lower(): v for k, v in scope.get("headers", [])}
        self.started = False
        self.refused: Refusal | None = None
        self.seen = 0
        self.tail = b""
        kind = self.headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        # what a NUL looks like in this kind of body (besides the raw byte)
        self.nul_forms = {
            b"application/x-www-form-urlencoded": _NUL_FORM,
            b"application/json": _NUL_JSON,
        }.get(kind)
        self.scan = (
            self.nul_forms is not None
            or kind.startswith(b"text/")
            or (kind == b"multipart/form-data")
        )

    def refusal_up_front(self) -> Refusal | None:
        query = self.scope.get("query_string", b"")
        if b"\x00" in query or _NUL_FORM.search(query) or "\x00" in self.scope["path"]:
            return Refusal(
                400, "The address contains a NUL character (%00), which nothing accepts."
            )
        length = self.headers.get(b"content-length")
        if length is not None:
            if not length.isdigit():
                return Refusal(400, "Content-Length is not a number.")
            if int(length) > self.limit:
                return _too_large(self.limit)
        return None

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            chunk: bytes = message.get("body", b"")
            self.seen += len(chunk)
            if self.seen > self.limit:
                self.refused = _too_large(self.limit)
                raise self.refused
            if self.scan and chunk:
                window = self.tail + chunk
                encoded = self.nul_forms is not None and self.nul_forms.search(window)
                if b"\x00" in window or encoded:
                    self.refused = Refusal(
                        400,
                        "The form or body contains a NUL character (U+0000), "
                        "which no field accepts.",
                    )
                    raise self.refused
                self.tail = window[-6:]
        return message

    async def send(self, message: Message) -> None:
        if self.refused is not None and not self.started:
            return  # the app answered a body it could not read: the refusal goes instead
        if message["type"] == "http.response.start":
            self.started = True
            message = {**message, "headers": _with_security_headers(self.scope, message)}
        elif message["type"] == "http.response.body" and self.head:
            message = {**message, "body": b""}
        await self._send(message)

    async def refuse(self, refusal: Refusal) -> None:
        if self.started:
            return  # too late for another answer; the server ends this one
        from paperfeed.web.errors import error_response

        self.refused = None
        request = Request(self.scope)
        response = error_response(request, refusal.status, refusal.message)
        await response(self.scope, self._receive, self.send)


def _too_large(limit: int) -> Refusal:
    return Refusal(413, f"The request body is larger than this address accepts ({limit:,} bytes).")


def _with_security_headers(scope: Scope, message: Message) -> list[tuple[bytes, bytes]]:
    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
    present = {k.lower() for k, _ in headers}
    extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
    if not scope["path"].startswith(NO_CSP_PATHS) and b"content-security-policy" not in present:
        extra.append((b"content-security-policy", CSP.encode()))
    return headers + extra
