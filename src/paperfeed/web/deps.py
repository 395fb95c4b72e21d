"""Request dependencies: one read transaction per request, the settings, the templates."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager

from fastapi import Request
from sqlalchemy import Connection
from starlette.types import Scope


def on_replica(request: Request) -> bool:
    """Whether this request reads from the read replica (decided once: web/read_routing.py)."""
    return scope_on_replica(request.scope)


def scope_on_replica(scope: Scope) -> bool:
    return bool(scope.get("state", {}).get("replica", False))


def read_transaction(request: Request) -> AbstractContextManager[Connection]:
    """The request's one read transaction (for views that open it on a worker thread)."""
    return request.app.state.reads.begin(on_replica(request))


def read_conn(request: Request) -> Iterator[Connection]:
    with read_transaction(request) as conn:
        yield conn
