"""Read and write ingestion checkpoints inside the caller's transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, insert, select, update

from paperfeed.ingest.models import Checkpoint

checkpoints = cast(Table, Checkpoint.__table__)


def load(conn: Connection, key: str) -> tuple[dict[str, Any], bool] | None:
    row = conn.execute(
        select(checkpoints.c.position, checkpoints.c.done).where(checkpoints.c.key == key)
    ).first()
    return (dict(row.position), bool(row.done)) if row else None


def save(conn: Connection, key: str, position: dict[str, Any], *, done: bool = False) -> None:
    values = {"position": position, "done": done, "updated_at": datetime.now(UTC)}
    result = conn.execute(update(checkpoints).where(checkpoints.c.key == key).values(values))
    if result.rowcount == 0:
        conn.execute(insert(checkpoints).values(key=key, **values))


def clear(conn: Connection, key: str) -> None:
    conn.execute(delete(checkpoints).where(checkpoints.c.key == key))
