"""The arXiv API (Atom): parse query responses into records; batches of ids to fetch."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree

from paperfeed.papers.ids import parse_arxiv_id
from paperfeed.sources.build import make_record
from paperfeed.sources.dates import parse_iso
from paperfeed.sources.normalize import fold_whitespace, name_to_unicode
from paperfeed.sources.record import Author, PaperRecord, RecordError, Reject, Version

ATOM = "{http://www.w3.org/2005/Atom}"
AX = "{http://arxiv.org/schemas/atom}"
OS = "{http://a9.com/-/spec/opensearch/1.1/}"
API_BATCH = 100  # ids per request: well under the API's 2000 per call
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


class ApiError(RuntimeError):
    """The API answered with its error entry (http://arxiv.org/api/errors#...)."""


@dataclass
class ApiPage:
    records: list[PaperRecord] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    total: int | None = None


def batches(ids: Sequence[str], size: int = API_BATCH) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def parse_feed(content: bytes, *, where: str, today: date) -> ApiPage:
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ApiError(f"{where}: not well-formed XML ({exc})") from exc
    if root.tag != f"{ATOM}feed":
        raise ApiError(f"{where}: not an Atom feed")
    page = ApiPage()
    total = root.findtext(f"{OS}totalResults")
    page.total = int(total) if total and total.strip().isdigit() else None
    for entry in root.iterfind(f"{ATOM}entry"):
        entry_id = (entry.findtext(f"{ATOM}id") or "").strip()
        if "/api/errors" in entry_id:
            message = fold_whitespace(entry.findtext(f"{ATOM}summary") or "unknown error")
            raise ApiError(f"arXiv API error: {message}")
        try:
            page.records.append(_entry_record(entry, today))
        except RecordError as exc:
            page.rejects.append(
                Reject(f"{where} entry {entry_id}", exc.reason, exc.field, entry_id)
            )
    return page


def _entry_record(entry: etree._Element, today: date) -> PaperRecord:
    raw_id = (entry.findtext(f"{ATOM}id") or "").strip()
    parsed = parse_arxiv_id(raw_id)
    if parsed is None:
        raise RecordError(f"not an arXiv identifier: {raw_id[:80]!r}", "id")
    published = _when(entry.findtext(f"{ATOM}published"), "published")
    updated = _when(entry.findtext(f"{ATOM}updated"), "updated")
    versions = [Version(1, published)] if published else []
    if parsed.version and parsed.version > 1:
        versions.append(Version(parsed.version, updated))
    primary = entry.find(f"{AX}primary_category")
    categories = [primary.get("term", "")] if primary is not None else []
    categories += [c.get("term", "") for c in entry.iterfind(f"{ATOM}category")]
    return make_record(
        raw_id=str(parsed),
        title=entry.findtext(f"{ATOM}title"),
        abstract=entry.findtext(f"{ATOM}summary"),
        authors=_authors(entry),
        categories=[c for c in categories if c],
        source="api",
        versions=versions,
        fallback_feed_date=today,
        updated_at=updated,
        extra={
            "comments": entry.findtext(f"{AX}comment"),
            "journal_ref": entry.findtext(f"{AX}journal_ref"),
            "doi": entry.findtext(f"{AX}doi"),
        },
    )


def _authors(entry: etree._Element) -> list[Author]:
    out = []
    for a in entry.iterfind(f"{ATOM}author"):
        name = fold_whitespace(a.findtext(f"{ATOM}name") or "")
        affs = [fold_whitespace(x.text or "") for x in a.iterfind(f"{AX}affiliation")]
        if name:
            out.append(Author(name_to_unicode(name), [x for x in affs if x]))
    return out


def _when(text: str | None, field_name: str) -> datetime | None:
    if not text:
        return None
    try:
        return parse_iso(text)
    except ValueError as exc:
        raise RecordError(f"not a date: {text[:40]!r}", field_name) from exc
