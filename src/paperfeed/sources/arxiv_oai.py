"""arXiv OAI-PMH: parse ListRecords/GetRecord pages in the arXiv and arXivRaw formats."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree

from paperfeed.sources.authors import parse_author_string
from paperfeed.sources.build import make_record
from paperfeed.sources.dates import parse_iso, parse_rfc822
from paperfeed.sources.normalize import fold_whitespace, name_to_unicode
from paperfeed.sources.record import Author, PaperRecord, RecordError, Reject, Version

OAI = "http://www.openarchives.org/OAI/2.0/"
_O = f"{{{OAI}}}"
# OAI errors after which a list is simply empty or finished, not failed
EMPTY_ERRORS = {"noRecordsMatch"}

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_RECOVER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, recover=True)


class OaiError(RuntimeError):
    """An OAI-PMH <error code="..."> answer."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"OAI-PMH error {code}: {message}")
        self.code = code
        self.message = message


class MalformedPage(ValueError):
    """A response that is not well-formed OAI-PMH XML."""


@dataclass
class OaiPage:
    records: list[PaperRecord] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    token: str | None = None
    response_date: datetime | None = None
    error: OaiError | None = None
    recovered: bool = False


def parse_page(content: bytes, *, where: str, today: date, recover: bool = False) -> OaiPage:
    """Parse one OAI-PMH response. Bad records become rejects; bad XML raises MalformedPage
    unless `recover` is set, in which case what lxml can salvage is used."""
    try:
        root = etree.fromstring(content, _RECOVER if recover else _PARSER)
    except etree.XMLSyntaxError as exc:
        raise MalformedPage(f"{where}: not well-formed XML ({exc})") from exc
    if root is None or root.tag != f"{_O}OAI-PMH":
        raise MalformedPage(f"{where}: not an OAI-PMH response (root {getattr(root, 'tag', None)})")
    page = OaiPage(recovered=recover)
    page.response_date = _response_date(root)
    error = root.find(f"{_O}error")
    if error is not None:
        page.error = OaiError(error.get("code", "unknown"), fold_whitespace(error.text or ""))
        return page
    container = root.find(f"{_O}ListRecords")
    if container is None:
        container = root.find(f"{_O}GetRecord")
    if container is None:
        raise MalformedPage(f"{where}: neither ListRecords nor GetRecord nor error")
    for rec in container.iterfind(f"{_O}record"):
        _parse_record(rec, page, where=where, today=today)
    token = container.find(f"{_O}resumptionToken")
    if token is not None and (token.text or "").strip():
        page.token = token.text.strip()  # type: ignore[union-attr]
    return page


def _response_date(root: etree._Element) -> datetime | None:
    text = root.findtext(f"{_O}responseDate")
    try:
        return parse_iso(text) if text else None
    except ValueError:
        return None


def _parse_record(rec: etree._Element, page: OaiPage, *, where: str, today: date) -> None:
    header = rec.find(f"{_O}header")
    identifier = (header.findtext(f"{_O}identifier") if header is not None else None) or "?"
    record_where = f"{where} record {identifier}"
    if header is not None and header.get("status") == "deleted":
        page.deleted.append(identifier)
        return
    try:
        page.records.append(_metadata_record(rec, header, today))
    except RecordError as exc:
        page.rejects.append(Reject(record_where, exc.reason, exc.field, identifier))


def _metadata_record(
    rec: etree._Element, header: etree._Element | None, today: date
) -> PaperRecord:
    datestamp = header.findtext(f"{_O}datestamp") if header is not None else None
    metadata_date = _day(datestamp, "datestamp")
    meta = rec.find(f"{_O}metadata")
    if meta is None or len(meta) == 0:
        raise RecordError("missing", "metadata")
    body = meta[0]
    # Dispatch on the local name: some captured pages carry the element in another namespace.
    qname = etree.QName(body)
    if qname.localname == "arXivRaw":
        return _arxiv_raw(body, qname.namespace or "", metadata_date, today)
    if qname.localname == "arXiv":
        return _arxiv(body, qname.namespace or "", metadata_date, today)
    raise RecordError(f"unsupported metadata format {body.tag} (use arXiv or arXivRaw)", "metadata")


def _text(el: etree._Element, ns: str, name: str) -> str | None:
    child = el.find(_q(ns, name))
    if child is None:
        return None
    return _itertext(child)


def _itertext(el: etree._Element) -> str:
    return "".join(str(t) for t in el.itertext())


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}" if ns else name


def _day(text: str | None, field_name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise RecordError(f"not a date: {text[:30]!r}", field_name) from exc


def _common(el: etree._Element, ns: str) -> dict[str, str | None]:
    return {
        "comments": _text(el, ns, "comments"),
        "journal_ref": _text(el, ns, "journal-ref"),
        "doi": _text(el, ns, "doi"),
        "report_no": _text(el, ns, "report-no"),
        "license": _text(el, ns, "license"),
    }


def _arxiv_raw(el: etree._Element, ns: str, metadata_date: date | None, today: date) -> PaperRecord:
    versions = []
    for v in el.iterfind(_q(ns, "version")):
        label = v.get("version", "")
        if not label.startswith("v") or not label[1:].isdigit():
            raise RecordError(f"bad version label {label!r}", "version")
        when = v.findtext(_q(ns, "date"))
        try:
            created = parse_rfc822(when) if when else None
        except (TypeError, ValueError) as exc:
            raise RecordError(f"bad date {when!r}", "version") from exc
        versions.append(Version(int(label[1:]), created))
    extra = _common(el, ns)
    extra["submitter"] = _text(el, ns, "submitter")
    return make_record(
        raw_id=_text(el, ns, "id"),
        title=_text(el, ns, "title"),
        abstract=_text(el, ns, "abstract"),
        authors=parse_author_string(_text(el, ns, "authors") or ""),
        categories=_text(el, ns, "categories"),
        source="oai",
        versions=versions,
        fallback_feed_date=metadata_date or today,
        metadata_date=metadata_date,
        extra=extra,
    )


def _arxiv(el: etree._Element, ns: str, metadata_date: date | None, today: date) -> PaperRecord:
    created = _day(_text(el, ns, "created"), "created")
    updated = _day(_text(el, ns, "updated"), "updated")
    authors = []
    for a in el.iterfind(f"{_q(ns, 'authors')}/{_q(ns, 'author')}"):
        parts = [_text(a, ns, "forenames"), _text(a, ns, "keyname"), _text(a, ns, "suffix")]
        name = " ".join(fold_whitespace(p) for p in parts if p)
        affiliations = [name_to_unicode(_itertext(x)) for x in a.iterfind(_q(ns, "affiliation"))]
        if name:
            authors.append(Author(name_to_unicode(name), [x for x in affiliations if x]))
    return make_record(
        raw_id=_text(el, ns, "id"),
        title=_text(el, ns, "title"),
        abstract=_text(el, ns, "abstract"),
        authors=authors,
        categories=_text(el, ns, "categories"),
        source="oai",
        versions=[Version(1, _midnight(created))] if created else [],
        created_day=created,
        fallback_feed_date=metadata_date or today,
        metadata_date=metadata_date,
        updated_at=_midnight(updated or created),
        extra=_common(el, ns),
    )


def _midnight(day: date | None) -> datetime | None:
    if day is None:
        return None
    return parse_iso(day.isoformat())


_GROUPS = {"cs", "math", "stat", "eess", "econ", "q-bio", "q-fin"}


def category_set(category: str) -> str:
    """OAI set of an arXiv category: cs.LG -> cs:cs:LG, hep-th -> physics:hep-th."""
    archive, _, subject = category.partition(".")
    if archive in _GROUPS:
        return f"{archive}:{archive}:{subject}" if subject else archive
    return f"physics:{archive}:{subject}" if subject else f"physics:{archive}"
