"""Request dependencies: one read transaction per request, the settings, the templates."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy import Connection


def read_conn(request: Request) -> Iterator[Connection]:
    with request.app.state.read_engine.begin() as conn:
        yield conn
