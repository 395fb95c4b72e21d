"""Paper rows in each database's storage format, and the SQL that bulk-writes them.

Values match what the SQLAlchemy column types in papers/models.py store and read back
(SQLite: 'YYYY-MM-DD HH:MM:SS.ffffff' UTC text, ISO dates, JSON text; PostgreSQL: native
values, JSON cast to jsonb), so the ORM reads what this writes.
"""

from __future__ import annotations

import hashlib
import operator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson

from paperfeed.sources.record import PaperRecord

# A row is a tuple in ROW_COLUMNS order; created_at and modified_at are added when written.
ROW_COLUMNS = (
    "arxiv_id",
    "version",
    "title",
    "abstract",
    "authors",
    "categories",
    "primary_category",
    "comments",
    "journal_ref",
    "doi",
    "report_no",
    "license",
    "submitter",
    "published_at",
    "updated_at",
    "versions",
    "metadata_date",
    "feed_date",
    "source",
    "content_hash",
)
INSERT_COLUMNS = (*ROW_COLUMNS, "created_at", "modified_at")
UPDATE_COLUMNS = (*ROW_COLUMNS[1:], "modified_at")
COL = {name: i for i, name in enumerate(ROW_COLUMNS)}
# what decides whether a stored paper changed (not where it came from, not its feed day)
_HASHED = tuple(
    COL[c]
    for c in (
        "version",
        "title",
        "abstract",
        "authors",
        "categories",
        "comments",
        "journal_ref",
        "doi",
        "report_no",
        "license",
        "submitter",
        "updated_at",
        "versions",
    )
)
_hashed_values = operator.itemgetter(*_HASHED)
JSON_COLUMNS = frozenset({"authors", "versions"})
EXISTING_COLUMNS = (
    "id",
    "arxiv_id",
    "version",
    "metadata_date",
    "content_hash",
    "versions",
    "feed_date",
    "published_at",
)


@dataclass(frozen=True)
class Storage:
    dialect: str

    def timestamp(self, value: datetime | None) -> Any:
        if value is None:
            return None
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        if self.dialect == "sqlite":  # 'YYYY-MM-DD HH:MM:SS.ffffff', without the offset
            return value.isoformat(" ", "microseconds")[:26]
        return value

    def day(self, value: date | None) -> Any:
        if value is None:
            return None
        return value.isoformat() if self.dialect == "sqlite" else value

    def row(self, rec: PaperRecord) -> tuple[Any, ...]:
        """A record as a row tuple (ROW_COLUMNS order), content hash last."""
        # orjson writes datetimes as isoformat() does and Author dataclasses as
        # {"name", "affiliations"}: the same bytes as building the dicts by hand, faster
        versions = orjson.dumps(
            [{"version": v.number, "created": v.created} for v in rec.versions]
        ).decode()
        authors = orjson.dumps(rec.authors).decode()
        row = (
            rec.arxiv_id,
            rec.version,
            rec.title,
            rec.abstract,
            authors,
            " ".join(rec.categories),
            rec.categories[0] if rec.categories else None,
            rec.comments,
            rec.journal_ref,
            rec.doi,
            rec.report_no,
            rec.license,
            rec.submitter,
            self.timestamp(rec.published_at),
            self.timestamp(rec.updated_at),
            versions,
            self.day(rec.metadata_date),
            self.day(rec.feed_date),
            rec.source,
        )
        hashed = "\x1f".join(map(str, _hashed_values(row)))
        return (*row, hashlib.blake2b(hashed.encode(), digest_size=16).hexdigest())

    @property
    def insert_sql(self) -> str:
        return _insert_sql(self.dialect)

    @property
    def update_sql(self) -> str:
        return _update_sql(self.dialect)

    @property
    def mark(self) -> str:
        """The driver's placeholder (sqlite3: ?, psycopg: %s)."""
        return "?" if self.dialect == "sqlite" else "%s"

    @property
    def outbox_sql(self) -> str:
        return f"INSERT INTO search_outbox (arxiv_id) VALUES ({self.mark})"

    def existing_sql(self, n: int) -> str:
        columns, marks = ", ".join(EXISTING_COLUMNS), ", ".join([self.mark] * n)
        return f"SELECT {columns} FROM papers WHERE arxiv_id IN ({marks})"


def _placeholder(dialect: str, column: str) -> str:
    if dialect == "sqlite":
        return "?"
    return "%s::jsonb" if column in JSON_COLUMNS else "%s"


def _insert_sql(dialect: str) -> str:
    values = ", ".join(_placeholder(dialect, c) for c in INSERT_COLUMNS)
    return f"INSERT INTO papers ({', '.join(INSERT_COLUMNS)}) VALUES ({values})"


def _update_sql(dialect: str) -> str:
    sets = ", ".join(f"{c} = {_placeholder(dialect, c)}" for c in UPDATE_COLUMNS)
    return f"UPDATE papers SET {sets} WHERE id = {_placeholder(dialect, 'id')}"


_STORAGES = {name: Storage(name) for name in ("sqlite", "postgresql")}


def storage_for(dialect: str) -> Storage:
    try:
        return _STORAGES[dialect]
    except KeyError:
        raise ValueError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL") from None
