"""The end-mark journal: one small row per digest, committed just before its final "."
goes out, in the database every sender shares.

A sender killed between sending a digest's end mark and committing "sent" leaves the proof
here, and recovery (any sender, on any host) marks that digest sent instead of sending it
again. The row is written on a connection of its own in autocommit (one statement, no
transaction held open beside the batch's). One set of rows per claim token (one batch of
one worker), deleted once the batch is settled.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Connection, Engine, Table, delete, insert, select

from paperfeed.digests.models import DigestMark

marks = cast(Table, DigestMark.__table__)


def _autocommit(engine: Engine) -> Connection:
    return engine.execution_options(isolation_level="AUTOCOMMIT", sqlite_begin=None).connect()


class Journal:
    def __init__(self, engine: Engine, token: str) -> None:
        self.engine, self.token = engine, token
        self._conn: Connection | None = None

    def mark(self, delivery_id: int) -> None:
        """Committed when this returns: from here on, a crash counts the digest as sent."""
        if self._conn is None:
            self._conn = _autocommit(self.engine)
        self._conn.execute(insert(marks).values(token=self.token, delivery_id=delivery_id))

    def close(self, remove: bool) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if remove:
            with self.engine.begin() as conn:
                forget(conn, self.token)


def marked(conn: Connection, token: str | None) -> set[int]:
    """Delivery ids whose end mark the batch `token` sent."""
    if not token:
        return set()
    found = conn.execute(select(marks.c.delivery_id).where(marks.c.token == token))
    return set(found.scalars())


def forget(conn: Connection, token: str) -> None:
    conn.execute(delete(marks).where(marks.c.token == token))
