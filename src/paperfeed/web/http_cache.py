"""ETag and 304 Not Modified for the read API and the feeds; CORS is FastAPI's middleware."""

from __future__ import annotations

import hashlib

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

CACHED_PREFIXES = ("/api/", "/feeds/")


class ETagMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or not request.url.path.startswith(CACHED_PREFIXES)
        ):
            return response
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        etag = f'W/"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
        headers = dict(response.headers)
        headers.pop("content-length", None)
        headers["etag"] = etag
        headers["cache-control"] = "public, max-age=60"
        wanted = request.headers.get("if-none-match", "")
        if etag in [t.strip() for t in wanted.split(",")] or wanted.strip() == "*":
            return Response(
                status_code=304, headers={"etag": etag, "cache-control": headers["cache-control"]}
            )
        return Response(body, status_code=200, headers=headers, media_type=response.media_type)
