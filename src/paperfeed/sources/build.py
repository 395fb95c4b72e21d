"""Check and normalise one source record's fields into a PaperRecord (or raise RecordError)."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from paperfeed.papers.ids import CATEGORY, parse_arxiv_id
from paperfeed.sources.dates import announcement_date, announcement_date_of_day
from paperfeed.sources.normalize import fold_whitespace, tex_to_unicode
from paperfeed.sources.record import Author, PaperRecord, RecordError, Version

LIMITS = {
    "title": 1_000,
    "abstract": 20_000,
    "comments": 5_000,
    "journal_ref": 2_000,
    "doi": 500,
    "report_no": 1_000,
    "license": 500,
    "submitter": 500,
    "author": 1_000,
    "authors": 10_000,
    "categories": 40,
}
_CATEGORY = CATEGORY  # papers/ids.py
# ACM (I.2.7) and MSC (68T50) classes that listings mix into categories: not categories, skipped
_CLASS_CODES = re.compile(r"^(?:[A-K](?:\.[0-9m]+)*|\d\d[A-Z0-9xX-]{1,3}\d{0,2})(?:[\s;,(].*)?$")


def text_field(value: Any, name: str, *, required: bool = False, tex: bool = False) -> str | None:
    """A string field: type-checked, folded (TeX converted when asked), length-limited."""
    if value is None or value == "":
        if required:
            raise RecordError("missing", name)
        return None
    if not isinstance(value, str):
        raise RecordError(f"expected text, got {type(value).__name__}", name)
    text = tex_to_unicode(value) if tex else fold_whitespace(value)
    if len(text) > LIMITS[name]:
        raise RecordError(f"too long ({len(text)} characters, limit {LIMITS[name]})", name)
    if required and not text:
        raise RecordError("empty", name)
    return text or None


def arxiv_id_field(value: Any) -> tuple[str, int | None]:
    if not isinstance(value, str) or not value.strip():
        raise RecordError("missing" if not value else "expected text", "id")
    parsed = parse_arxiv_id(value)
    if parsed is None:
        raise RecordError(f"not an arXiv identifier: {value[:80]!r}", "id")
    return parsed.base, parsed.version


def categories_field(value: Any, stray: list[str] | None = None) -> list[str]:
    """Category names, primary first, each once. ACM and MSC class codes are skipped, and so
    are stray classification strings ('68', '2020: 00A69', 'I.2.7; I.2.6', free keywords),
    which go to `stray` (the caller says so); any other string is an error."""
    if value is None:
        return []
    items = value.split() if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(c, str) for c in items):
        raise RecordError("expected a list of category names", "categories")
    if len(items) > LIMITS["categories"]:
        raise RecordError(f"too many ({len(items)})", "categories")
    out: list[str] = []
    for c in items:
        c = c.strip()
        kind = _category_kind(c)
        if kind is None:  # a class code
            continue
        if not kind and _is_stray(c):  # a stray classification string
            if stray is not None:
                stray.append(c[:40])
            continue
        if not kind:
            raise RecordError(f"not a category name: {c[:40]!r}", "categories")
        if c not in out:
            out.append(c)
    return out


def _is_stray(text: str) -> bool:
    """Classification text that listings put among categories: it begins with a digit or
    holds spaces or separators, which no category name does."""
    return text[:1].isdigit() or any(ch in text for ch in " ;:,")


@lru_cache(maxsize=4096)
def _category_kind(name: str) -> bool | None:
    """True: a category name; None: an ACM or MSC class code (skipped); False: neither.
    arXiv has a few hundred names: each is checked once per process."""
    if _CLASS_CODES.match(name):
        return None
    return bool(_CATEGORY.match(name))


def check_authors(authors: list[Author]) -> list[Author]:
    if len(authors) > LIMITS["authors"]:
        raise RecordError(f"too many ({len(authors)})", "authors")
    for a in authors:
        if len(a.name) > LIMITS["author"]:
            raise RecordError(f"an author name is too long ({len(a.name)} characters)", "authors")
    return authors


# What a stored number or date may be: versions that both databases' integer columns hold
# (arXiv's longest version histories are in the tens), dates from before arXiv to far
# beyond any real one (a date of year 9999 overflows the day after it).
MAX_VERSION = 10_000
FIRST_DATE = date(1980, 1, 1)
LAST_DATE = date(2999, 12, 31)


def check_ranges(
    id_version: int | None,
    versions: list[Version],
    updated_at: datetime | None,
    *days: date | None,
) -> None:
    """RecordError naming the field when a version number or a date is out of range."""
    numbers = [v.number for v in versions] + ([id_version] if id_version is not None else [])
    for n in numbers:
        if not 1 <= n <= MAX_VERSION:
            raise RecordError(f"version {str(n)[:30]} outside 1..{MAX_VERSION}", "versions")
    moments = [v.created for v in versions] + [updated_at]
    for value in [m.date() for m in moments if m is not None] + [d for d in days if d]:
        if not FIRST_DATE <= value <= LAST_DATE:
            raise RecordError(
                f"date {value.isoformat()} outside {FIRST_DATE.year}–{LAST_DATE.year}", "dates"
            )


def feed_date_for(published: datetime | None, created_day: date | None, fallback: date) -> date:
    if created_day is not None:  # a date without a time: assume before the cutoff
        return announcement_date_of_day(created_day)
    if published is not None:
        return announcement_date(published)
    return fallback


def make_record(
    *,
    raw_id: Any,
    title: Any,
    abstract: Any,
    authors: list[Author],
    categories: Any,
    source: str,
    versions: list[Version],
    fallback_feed_date: date,
    created_day: date | None = None,
    feed_date: date | None = None,
    metadata_date: date | None = None,
    updated_at: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> PaperRecord:
    """Assemble a record from parsed parts; raises RecordError naming the first bad field."""
    base, id_version = arxiv_id_field(raw_id)
    check_ranges(id_version, versions, updated_at, created_day, feed_date, metadata_date)
    versions = sorted(versions, key=lambda v: v.number)
    version = max([v.number for v in versions] + [id_version or 0]) or 1
    published = versions[0].created if versions and versions[0].number == 1 else None
    if updated_at is None and versions:
        updated_at = versions[-1].created
    fields = extra or {}
    stray: list[str] = []
    record = PaperRecord(
        arxiv_id=base,
        version=version,
        title=text_field(title, "title", required=True, tex=True) or "",
        abstract=text_field(abstract, "abstract", tex=True) or "",
        authors=check_authors(authors),
        categories=categories_field(categories, stray),
        feed_date=feed_date or feed_date_for(published, created_day, fallback_feed_date),
        source=source,
        comments=text_field(fields.get("comments"), "comments", tex=True),
        journal_ref=text_field(fields.get("journal_ref"), "journal_ref", tex=True),
        doi=text_field(fields.get("doi"), "doi"),
        report_no=text_field(fields.get("report_no"), "report_no"),
        license=text_field(fields.get("license"), "license"),
        submitter=text_field(fields.get("submitter"), "submitter", tex=True),
        published_at=published or (updated_at if version == 1 else None),
        updated_at=updated_at,
        versions=versions,
        metadata_date=metadata_date,
    )
    record.stray_categories = stray
    return record
