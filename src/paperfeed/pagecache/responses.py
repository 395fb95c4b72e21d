"""Public API reads kept per generation: `/api/daily_papers`, `/api/papers`, a paper, its
comments, an author's papers — the same answer for everyone until a write moves the
generation. Search, similar papers and trending (which follow the indexes or the clock) and
everything personal are left alone."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperfeed.pagecache.store import Page
from paperfeed.web.deps import scope_on_replica

KEPT = re.compile(r"^/api/(daily_papers|papers|authors/.+|papers/.+)$")
LEFT = re.compile(r"^/api/papers/(search$|.+/similar$)")
PERSONAL_HEADERS = ("authorization", "cookie")


class ApiResponseCache:
    """A plain ASGI middleware: answers a kept read from memory, else keeps the answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not KEPT.match(path)
            or LEFT.match(path)
        ):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        generation = state.generation.read(scope_on_replica(scope))
        if generation is None:
            await self.app(scope, receive, send)
            return
        key = ("api", path, scope.get("query_string", b""), datetime.now(UTC).date())
        pending = state.pages.rendering.get(key)
        if pending is not None:  # being answered for another client: wait for that one
            await asyncio.shield(pending)
        page = state.pages.get(key, generation)
        if page is not None:
            await _replay(page, send)
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        state.pages.rendering.setdefault(key, done)
        try:
            await self.app(scope, receive, _keeping(send, state.pages, key, generation))
        finally:
            if state.pages.rendering.get(key) is done:
                del state.pages.rendering[key]
            done.set_result(None)


async def _replay(page: Page, send: Send) -> None:
    start = page.kept["start"]  # a copy: the middlewares outside add their headers to it
    await send({**start, "headers": list(start["headers"])})
    await send({"type": "http.response.body", "body": page.kept["body"]})


def _keeping(send: Send, pages: object, key: tuple[object, ...], generation: int) -> Send:
    start: Message | None = None
    chunks: list[bytes] = []

    async def keep(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":  # kept as the route made it
            start = {**message, "headers": list(message.get("headers", []))}
        elif message["type"] == "http.response.body" and start is not None:
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False) and start["status"] == 200:
                headers = Headers(raw=start.get("headers", []))
                if "set-cookie" not in headers:
                    body = b"".join(chunks)
                    page = Page([], generation=generation, size=len(body))
                    page.kept = {"start": start, "body": body}
                    pages.put(key, page)  # type: ignore[attr-defined]
        await send(message)

    return keep
