"""The OpenAPI document as the server behaves: FastAPI's, corrected where it says otherwise.

- Invalid input is answered 400 with {"error", "status"} (web/errors.py), never 422.
- Pages are HTML, their twins JSON, BibTeX or Markdown, feeds Atom or RSS: each operation
  lists the media types it answers, not "application/json" for everything.
- No text anywhere may hold a NUL character (web/guards.py answers 400): every string
  parameter and field says so with a pattern.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR = {"$ref": "#/components/schemas/ErrorOut"}
TEXT = {"type": "string"}
FEEDS = {"application/atom+xml": {"schema": TEXT}, "application/rss+xml": {"schema": TEXT}}
HTML = {"text/html": {"schema": TEXT}}
BIBTEX = {"text/x-bibtex": {"schema": TEXT}}
MARKDOWN = {"text/markdown": {"schema": TEXT}}
JSON_ANY = {"application/json": {"schema": {"type": "object"}}}


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = corrected(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


NO_NUL = "^[^\\u0000]*$"


def corrected(schema: dict[str, Any]) -> dict[str, Any]:
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                _no_nul(parameter.get("schema", {}))
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            media = _media(path)
            errors = {"application/json": {"schema": ERROR}}
            if media is not None:  # a page: errors are pages too (JSON for .json twins)
                errors = {**HTML, **errors}
                for code, response in responses.items():
                    if code.startswith("2"):
                        response["content"] = media
                responses.setdefault(
                    "404", {"description": "Nothing at this address", "content": errors}
                )
            responses.setdefault(
                "400", {"description": "Invalid input, named in the message", "content": errors}
            )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    for component in components.values():
        for field in component.get("properties", {}).values():
            _no_nul(field)
    components.setdefault(
        "ErrorOut",
        {
            "type": "object",
            "required": ["error", "status"],
            "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
        },
    )
    return schema


def _no_nul(field: dict[str, Any]) -> None:
    """A string schema (or a union holding one) without a pattern gets the no-NUL one."""
    for option in [field, *field.get("anyOf", [])]:
        if option.get("type") == "string" and "pattern" not in option and "format" not in option:
            option["pattern"] = NO_NUL


def _media(path: str) -> dict[str, Any] | None:
    """What a non-API path answers (None: leave FastAPI's description)."""
    if path.startswith("/api/"):
        return None
    if path.startswith("/feeds/"):
        return FEEDS
    if path.endswith(".bib"):
        return BIBTEX
    if path.endswith(".json"):
        return JSON_ANY
    if path.startswith(("/papers/date/", "/papers/week/", "/papers/month/")):
        return {**HTML, **JSON_ANY, **BIBTEX}
    if path == "/papers/{arxiv_id}":
        return {**HTML, **JSON_ANY, **BIBTEX, **MARKDOWN}
    return HTML
