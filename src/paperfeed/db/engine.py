"""Engine creation: SQLite pragmas (WAL, busy timeout, foreign keys) or PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create the engine for `url`; SQLite files get WAL, a busy timeout and foreign keys."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {
        "echo": echo,
        "json_serializer": _json_dumps,
        "json_deserializer": orjson.loads,
    }
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs["pool_pre_ping"] = True
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the lock up front (no deadlock upgrading a read lock);
        # readers, marked with reader(), begin deferred and never block.
        # A kept autocommit connection (db/kept.py) sets None: each statement stands alone.
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        if mode is not None:
            conn.exec_driver_sql(f"BEGIN {mode}")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def reader(engine: Engine) -> Engine:
    """The same engine, for read-only transactions (deferred BEGIN on SQLite)."""
    return engine.execution_options(sqlite_begin="DEFERRED")


def in_sequence(conn: Connection, sequence: str) -> None:
    """Make this transaction's rows of `sequence` (a table whose growing id other hosts
    follow with a cursor) visible in id order: on PostgreSQL a lock held to the commit, taken
    before the ids are drawn, so no cursor passes an id that commits later. SQLite has one
    writer at a time already."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (sequence,))


def insert_for(conn: Connection, table: Table) -> Any:
    """An INSERT for the connection's dialect, which knows ON CONFLICT DO NOTHING/UPDATE."""
    return (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(table)
