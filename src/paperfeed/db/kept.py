"""One autocommit connection kept for the tiny reads every request makes (the site
generation, the session's account): no pool checkout, no BEGIN/COMMIT, statements built once.
A read on it sees the last committed write of any process, as a new transaction would."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)
T = TypeVar("T")


class KeptConnection:
    """Runs short reads one at a time on one kept connection; a dropped connection is
    replaced and the read tried once more."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT", sqlite_begin=None)
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def run(self, read: Callable[[Connection], T]) -> T:
        with self._lock:
            try:
                return read(self._connection())
            except DBAPIError:
                log.warning("the kept connection failed; reconnecting", exc_info=True)
                self._close()
            return read(self._connection())

    def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = self._engine.connect()
        return self._conn

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()
                conn.close()
            except Exception:
                log.debug("closing the kept connection failed", exc_info=True)
