"""Writes to papers: idempotent upsert of source records, newest version wins, history kept.

Rows travel in the database's own storage format (see papers/storage.py) so that bulk
ingestion can build them in worker processes and write them with one executemany.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection

from paperfeed.db.engine import in_sequence
from paperfeed.papers.storage import (
    COL,
    EXISTING_COLUMNS,
    ROW_COLUMNS,
    UPDATE_COLUMNS,
    Storage,
    storage_for,
)
from paperfeed.sources.record import PaperRecord

_SELECT_CHUNK = 900


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected += other.rejected
        return self

    @property
    def seen(self) -> int:
        return self.added + self.updated + self.unchanged + self.rejected

    def as_dict(self) -> dict[str, int]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


def upsert_papers(
    conn: Connection, records: Sequence[PaperRecord], *, now: datetime | None = None
) -> Counts:
    """Insert new papers, update those a record makes newer, leave the rest. Never commits."""
    storage = storage_for(conn.dialect.name)
    return upsert_rows(conn, [storage.row(r) for r in records], now=now)


Row = tuple[Any, ...]
_ID, _VERSION, _MDATE, _HASH = (
    COL["arxiv_id"],
    COL["version"],
    COL["metadata_date"],
    COL["content_hash"],
)


def upsert_rows(conn: Connection, rows: Sequence[Row], *, now: datetime | None = None) -> Counts:
    """upsert_papers for rows already in storage format (built by Storage.row)."""
    storage = storage_for(conn.dialect.name)
    stamp = storage.timestamp(now or datetime.now(UTC))
    latest = _latest_per_id(rows)
    existing = _existing(conn, storage, list(latest))
    counts = Counts(unchanged=len(rows) - len(latest))
    inserts: list[Row] = []
    updates: list[Row] = []
    updated_ids: list[str] = []
    for arxiv_id, row in latest.items():
        old = existing.get(arxiv_id)
        if old is None:
            inserts.append((*row, stamp, stamp))
        elif _is_newer(row, old):
            merged = _merged(row, old, stamp)
            updates.append((*(merged[c] for c in UPDATE_COLUMNS), old["id"]))
            updated_ids.append(arxiv_id)
        else:
            counts.unchanged += 1
    if inserts:
        conn.exec_driver_sql(storage.insert_sql, inserts)
    if updates:
        conn.exec_driver_sql(storage.update_sql, updates)
    if inserts or updates:  # queued for the keyword index, in this same transaction
        changed = [(r[_ID],) for r in inserts] + [(a,) for a in updated_ids]
        in_sequence(conn, "search_outbox")  # every host's keyword index follows its seq
        conn.exec_driver_sql(storage.outbox_sql, changed)
    counts.added += len(inserts)
    counts.updated += len(updates)
    return counts


def _order_key(version: int, metadata_date: Any) -> tuple[int, str]:
    return version, str(metadata_date or "")


def _latest_per_id(rows: Sequence[Row]) -> dict[str, Row]:
    latest: dict[str, Row] = {}
    for row in rows:
        old = latest.get(row[_ID])
        if old is None or _order_key(row[_VERSION], row[_MDATE]) >= _order_key(
            old[_VERSION], old[_MDATE]
        ):
            latest[row[_ID]] = row
    return latest


def _existing(conn: Connection, storage: Storage, ids: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), _SELECT_CHUNK):
        chunk = ids[start : start + _SELECT_CHUNK]
        for r in conn.exec_driver_sql(storage.existing_sql(len(chunk)), tuple(chunk)):
            found[r[1]] = dict(zip(EXISTING_COLUMNS, r, strict=True))
    return found


def _is_newer(row: Row, old: dict[str, Any]) -> bool:
    if row[_HASH] == old["content_hash"]:
        return False
    return _order_key(row[_VERSION], row[_MDATE]) >= _order_key(
        old["version"], old["metadata_date"]
    )


def _merged(row: Row, old: dict[str, Any], stamp: Any) -> dict[str, Any]:
    """The new row, keeping the history the old one knew: its versions, v1 date, feed day.

    content_hash stays the incoming record's, so the same record again is "unchanged".
    """
    old_versions = old["versions"]
    if isinstance(old_versions, str | bytes):
        old_versions = orjson.loads(old_versions)
    by_number = {v["version"]: v for v in old_versions or []}
    merged = dict(zip(ROW_COLUMNS, row, strict=True))
    for v in orjson.loads(merged["versions"]):
        if v["created"] or v["version"] not in by_number:
            by_number[v["version"]] = v
    merged["versions"] = orjson.dumps([by_number[k] for k in sorted(by_number)]).decode()
    merged["published_at"] = old["published_at"] or merged["published_at"]
    merged["feed_date"] = old["feed_date"]
    merged["modified_at"] = stamp
    return merged
