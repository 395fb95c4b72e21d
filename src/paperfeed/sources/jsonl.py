"""The generic JSON-lines schema for corpora other than arXiv's snapshot (docs/import-formats.md).

Required: "id" (an arXiv id) and "title". Optional: "abstract" (or "summary"),
"authors" (list of names or {"name", "affiliations"}, or one string), "categories"
(list or space-separated, primary first), "published" and "updated" (ISO 8601),
"version", "comments" (or "comment"), "journal_ref", "doi", "license", "feed_date".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from paperfeed.sources.authors import parse_author_string
from paperfeed.sources.build import make_record
from paperfeed.sources.dates import parse_iso
from paperfeed.sources.normalize import name_to_unicode
from paperfeed.sources.record import Author, PaperRecord, RecordError, Version


def generic_record(obj: dict[str, Any], fallback_feed_date: date) -> PaperRecord:
    published = _when(obj.get("published"), "published")
    updated = _when(obj.get("updated"), "updated")
    version = obj.get("version")
    if version is not None and (not isinstance(version, int) or version < 1):
        raise RecordError("expected a positive integer", "version")
    versions = [Version(1, published)] if published else []
    if version and version > 1:
        versions.append(Version(version, updated))
    return make_record(
        raw_id=obj.get("id"),
        title=obj.get("title"),
        abstract=obj.get("abstract", obj.get("summary")),
        authors=_authors(obj.get("authors")),
        categories=obj.get("categories"),
        source="jsonl",
        versions=versions,
        fallback_feed_date=fallback_feed_date,
        feed_date=_day(obj.get("feed_date")),
        updated_at=updated,
        extra={
            "comments": obj.get("comments", obj.get("comment")),
            "journal_ref": obj.get("journal_ref"),
            "doi": obj.get("doi"),
            "license": obj.get("license"),
        },
    )


def _authors(raw: Any) -> list[Author]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return parse_author_string(raw)
    if not isinstance(raw, list):
        raise RecordError("expected a list or a string", "authors")
    out = []
    for item in raw:
        if isinstance(item, str):
            out.append(Author(name_to_unicode(item)))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            affs = item.get("affiliations") or []
            if not isinstance(affs, list) or not all(isinstance(a, str) for a in affs):
                raise RecordError("affiliations must be a list of strings", "authors")
            out.append(Author(name_to_unicode(item["name"]), [name_to_unicode(a) for a in affs]))
        else:
            raise RecordError("each author must be a name or {name, affiliations}", "authors")
    return out


def _when(raw: Any, field: str) -> datetime | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise RecordError(f"expected an ISO 8601 date, got {type(raw).__name__}", field)
    try:
        return parse_iso(raw)
    except ValueError as exc:
        raise RecordError(f"not an ISO 8601 date: {raw[:40]!r}", field) from exc


def _day(raw: Any) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except (TypeError, ValueError) as exc:
        raise RecordError(f"not a date: {str(raw)[:40]!r}", "feed_date") from exc
