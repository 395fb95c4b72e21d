"""Request dependencies: one read transaction per request, the settings, the templates."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager

from fastapi import Request
from sqlalchemy import Connection


def read_transaction(request: Request) -> AbstractContextManager[Connection]:
    """The request's one read transaction (for views that open it on a worker thread)."""
    return request.app.state.read_engine.begin()


def read_conn(request: Request) -> Iterator[Connection]:
    with read_transaction(request) as conn:
        yield conn
