"""The arXiv metadata snapshot (Kaggle 'Cornell-University/arxiv'): one JSON object per line."""

from __future__ import annotations

from datetime import date
from typing import Any

from paperfeed.sources.authors import from_parsed_rows, parse_author_string
from paperfeed.sources.build import make_record
from paperfeed.sources.dates import parse_rfc822
from paperfeed.sources.record import PaperRecord, RecordError, Version

SNAPSHOT_KEYS = frozenset({"authors_parsed", "update_date", "versions"})


def is_snapshot_object(obj: dict[str, Any]) -> bool:
    return len(SNAPSHOT_KEYS & obj.keys()) >= 2


def snapshot_record(obj: dict[str, Any], fallback_feed_date: date) -> PaperRecord:
    """Build a record from one snapshot object (already decoded JSON)."""
    return make_record(
        raw_id=obj.get("id"),
        title=obj.get("title"),
        abstract=obj.get("abstract"),
        authors=_authors(obj),
        categories=obj.get("categories"),
        source="snapshot",
        versions=_versions(obj.get("versions")),
        fallback_feed_date=fallback_feed_date,
        metadata_date=_update_date(obj.get("update_date")),
        extra={
            "comments": obj.get("comments"),
            "journal_ref": obj.get("journal-ref"),
            "doi": obj.get("doi"),
            "report_no": obj.get("report-no"),
            "license": obj.get("license"),
            "submitter": obj.get("submitter"),
        },
    )


def _authors(obj: dict[str, Any]) -> list:
    parsed = obj.get("authors_parsed")
    if parsed is not None:
        if not _is_parsed_rows(parsed):
            raise RecordError(
                "expected a list of [keyname, forenames, suffix, ...]", "authors_parsed"
            )
        return from_parsed_rows(parsed)
    raw = obj.get("authors")
    if raw is None:
        return []
    if not isinstance(raw, str):
        raise RecordError(f"expected text, got {type(raw).__name__}", "authors")
    return parse_author_string(raw)


def _is_parsed_rows(parsed: Any) -> bool:
    if not isinstance(parsed, list):
        return False
    for row in parsed:  # loops, not nested all(): this runs for every snapshot line
        if not isinstance(row, list):
            return False
        for part in row:
            if not isinstance(part, str):
                return False
    return True


def _versions(raw: Any) -> list[Version]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise RecordError("expected a list", "versions")
    out = []
    for item in raw:
        if not isinstance(item, dict):
            raise RecordError("expected {version, created} objects", "versions")
        label, created = item.get("version"), item.get("created")
        if not isinstance(label, str) or not label.startswith("v") or not label[1:].isdigit():
            raise RecordError(f"bad version label {label!r}", "versions")
        try:
            when = parse_rfc822(created) if isinstance(created, str) else None
        except (TypeError, ValueError) as exc:
            raise RecordError(f"bad date {created!r}: {exc}", "versions") from exc
        out.append(Version(int(label[1:]), when))
    return out


def _update_date(raw: Any) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except (TypeError, ValueError) as exc:
        raise RecordError(f"bad date {raw!r}", "update_date") from exc
