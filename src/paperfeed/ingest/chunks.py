"""Decode and normalise a chunk of JSON lines into storage rows (runs in worker processes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

from paperfeed.papers.storage import storage_for
from paperfeed.sources.jsonl import generic_record
from paperfeed.sources.normalize import count_tex_warnings, take_tex_warnings
from paperfeed.sources.record import PaperRecord, RecordError, Reject
from paperfeed.sources.snapshot import is_snapshot_object, snapshot_record

FORMATS = ("auto", "snapshot", "jsonl")
Builder = Callable[[dict[str, Any], date], PaperRecord]
_BUILDERS: dict[str, Builder] = {"snapshot": snapshot_record, "jsonl": generic_record}


@dataclass
class Chunk:
    file_name: str
    first_line: int
    lines: list[bytes]
    end_offset: int
    fmt: str
    fallback_feed_date: date
    dialect: str

    @property
    def end_line(self) -> int:
        return self.first_line + len(self.lines) - 1


@dataclass
class ChunkResult:
    end_offset: int
    end_line: int
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    stray: list[Reject] = field(default_factory=list)  # kept, with strings skipped
    tex_warnings: int = 0  # pylatexenc's, counted instead of printed

    @property
    def seen(self) -> int:
        return len(self.rows) + len(self.rejects)


def build_chunk(chunk: Chunk) -> ChunkResult:
    count_tex_warnings()
    take_tex_warnings()
    storage = storage_for(chunk.dialect)
    result = ChunkResult(chunk.end_offset, chunk.end_line)
    for lineno, raw in enumerate(chunk.lines, chunk.first_line):
        where = f"{chunk.file_name}:{lineno}"
        obj = _decode(raw, where, result.rejects)
        if obj is None:
            continue
        builder = _builder(chunk.fmt, obj)
        rid = obj.get("id") if isinstance(obj.get("id"), str) else None
        try:
            record = builder(obj, chunk.fallback_feed_date)
            result.rows.append(storage.row(record))
        except RecordError as exc:
            result.rejects.append(Reject(where, exc.reason, exc.field, rid))
            continue
        if record.stray_categories:
            skipped = ", ".join(repr(c) for c in record.stray_categories)
            result.stray.append(Reject(where, f"skipped {skipped}", "categories", rid))
    result.tex_warnings = take_tex_warnings()
    return result


def _builder(fmt: str, obj: dict[str, Any]) -> Builder:
    if fmt == "auto":
        fmt = "snapshot" if is_snapshot_object(obj) else "jsonl"
    return _BUILDERS[fmt]


def _decode(raw: bytes, where: str, rejects: list[Reject]) -> dict[str, Any] | None:
    if not raw.strip():
        return None
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        truncated = not raw.endswith(b"\n")
        reason = "not valid JSON (truncated last line?)" if truncated else "not valid JSON"
        rejects.append(Reject(where, f"{reason}: {exc}"))
        return None
    if not isinstance(obj, dict):
        rejects.append(Reject(where, f"expected a JSON object, got {type(obj).__name__}"))
        return None
    return obj
