"""Errors as pages (or JSON for .json and /api paths): a clear message, never a stack trace."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

log = logging.getLogger("paperfeed.web")


_DAY = "is not a valid day (a date like 2026-11-24, years 1900–2999)"
_SINCE = "is not a date like 2024-01-31 (years 1900–2999)"
# What a value that fails a parameter's pattern should have been, by parameter name.
PATTERN_HINTS = {
    "day": _DAY,
    "date": _DAY,
    "since": _SINCE,
    "until": _SINCE,
    "week": "is not a valid week (an ISO week like 2026-W47, years 1900–2999)",
    "month": "is not a month like 2026-11 (years 1900–2999)",
    "cat": "is not an arXiv category such as cs.LG",
    "category": "is not an arXiv category such as cs.LG",
}


def wants_json(request: Request) -> bool:
    path = request.url.path
    return (
        path.endswith(".json")
        or path.startswith("/api/")
        or (
            "application/json" in request.headers.get("accept", "")
            and "text/html" not in request.headers.get("accept", "")
        )
    )


def error_response(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    if wants_json(request):
        return JSONResponse(
            {"error": message, "status": status}, status_code=status, headers=headers
        )
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "message": message},
        status_code=status,
        headers=headers,
    )


def allowed_methods(request: Request) -> str:
    """Every method some route answers at this path (Starlette names only the first route's):
    the path matched as each method in turn."""
    methods = set()
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(r.matches(scope)[0] == Match.FULL for r in request.app.router.routes):
            methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 401 and request.method == "GET" and not wants_json(request):
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        message = exc.detail if isinstance(exc.detail, str) else "Request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"Nothing here: {request.url.path}"
        headers = dict(exc.headers) if exc.headers else None
        if exc.status_code == 405:
            allow = allowed_methods(request)
            headers = {**(headers or {}), "Allow": allow}
            if message == "Method Not Allowed":
                message = f"{request.method} is not answered at {request.url.path}; {allow} are"
        return error_response(request, exc.status_code, message, headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for err in exc.errors()[:5]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path"))
            hint = PATTERN_HINTS.get(where.rsplit(".", 1)[-1])
            if err.get("type") == "string_pattern_mismatch" and hint:
                parts.append(f"{where}: '{str(err.get('input'))[:40]}' {hint}")
            else:
                parts.append(f"{where}: {err.get('msg')}")
        return error_response(request, 400, "Invalid request — " + "; ".join(parts))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return error_response(request, 500, "Something went wrong on our side; it was logged.")
