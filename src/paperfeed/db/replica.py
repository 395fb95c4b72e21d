"""Reads from a PostgreSQL streaming replica (`PAPERFEED_DATABASE_READ_URL`).

A GET or HEAD reads from the replica, unless its visitor must see a write the replica has not
replayed yet: each successful write request (any other method) answers with a cookie holding
the primary's WAL position after its commit, and a visitor whose cookie is ahead of what the
replica has replayed reads from the primary. Requests with an `Authorization` header (API
tokens, which carry no cookie) read from the primary. A replica that cannot be reached is left
alone for a few seconds and its reads go to the primary meanwhile."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from paperfeed.db.engine import reader
from paperfeed.db.kept import KeptConnection

log = logging.getLogger(__name__)
COOKIE = "pf_wrote"
COOKIE_SECONDS = 300  # far longer than a healthy replica's lag
DOWN_SECONDS = 5.0
SAFE = ("GET", "HEAD")
_WRITTEN = text("SELECT pg_current_wal_lsn()::text")
_REPLAYED = text("SELECT pg_last_wal_replay_lsn()::text")


def parse_lsn(value: str | None) -> int | None:
    """PostgreSQL's `X/Y` WAL position (two hex numbers) as one number; None if not one."""
    high, slash, low = (value or "").partition("/")
    if not slash or len(value or "") > 17:
        return None
    try:
        return (int(high, 16) << 32) + int(low, 16)
    except ValueError:
        return None


class ReadRouting:
    """Where this process's reads go: the primary's engine, or the replica's when one is set."""

    def __init__(self, primary: Engine, replica: Engine | None = None) -> None:
        self.kept = KeptConnection(primary)  # per-request look-ups: generation, session
        self._primary = reader(primary)
        self._replica = reader(replica) if replica is not None else None
        self.replica_kept = KeptConnection(replica) if replica is not None else None
        self._replayed = 0  # the most the replica is known to have replayed
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def has_replica(self) -> bool:
        return self._replica is not None

    def choose(self, method: str, authorized: bool, wrote: str | None) -> bool:
        """Whether a request reads from the replica (what the middleware decides once)."""
        if not self._usable() or method not in SAFE or authorized:
            return False
        needed = parse_lsn(wrote)
        return needed is None or needed <= self._replayed or self._caught_up(needed)

    def _caught_up(self, needed: int) -> bool:
        kept = self.replica_kept
        assert kept is not None
        try:
            replayed = parse_lsn(kept.run(lambda conn: conn.execute(_REPLAYED).scalar()))
        except DBAPIError:
            self.replica_failed()
            return False
        with self._lock:
            self._replayed = max(self._replayed, replayed or 0)
            return needed <= self._replayed

    def written(self) -> str | None:
        """The primary's WAL position now (after the request's commit); None on SQLite."""
        if self._replica is None:
            return None
        try:
            return self.kept.run(lambda conn: conn.execute(_WRITTEN).scalar())
        except DBAPIError:
            log.warning("could not read the primary's WAL position", exc_info=True)
            return None

    def replica_failed(self) -> None:
        log.warning("the read replica failed; reading from the primary for %ss", DOWN_SECONDS)
        self._down_until = time.monotonic() + DOWN_SECONDS

    def _usable(self) -> bool:
        return self._replica is not None and time.monotonic() >= self._down_until

    def kept_for(self, on_replica: bool) -> KeptConnection:
        if on_replica and self.replica_kept is not None and self._usable():
            return self.replica_kept
        return self.kept

    @contextmanager
    def begin(self, on_replica: bool) -> Iterator[Connection]:
        """A read transaction on the replica (the primary when it cannot be reached)."""
        conn: Connection | None = None
        if on_replica and self._replica is not None and self._usable():
            try:
                conn = self._replica.connect()
            except DBAPIError:
                self.replica_failed()
        if conn is None:
            conn = self._primary.connect()
        with conn, conn.begin():
            yield conn

    def close(self) -> None:
        self.kept.close()
        if self.replica_kept is not None:
            self.replica_kept.close()
