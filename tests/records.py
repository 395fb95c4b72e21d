"""Test records written for paperfeed (invented values), rendered in arXiv's exact formats:
OAI-PMH arXivRaw and arXiv, the Atom API, and the metadata snapshot's JSON lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.sax.saxutils import escape

import orjson


@dataclass
class Rec:
    id: str
    title: str
    abstract: str = "  We study an invented problem.\nIt has two lines.\n"
    authors: list[tuple[str, str, list[str]]] = field(
        default_factory=lambda: [("Doe", "Jane", ["Example Univ."]), ("Roe", "John", [])]
    )
    categories: str = "cs.LG cs.AI"
    versions: list[datetime] = field(
        default_factory=lambda: [datetime(2026, 8, 3, 17, 59, tzinfo=UTC)]
    )
    datestamp: str = "2026-08-04"
    comments: str | None = "12 pages, 5 figures. Code: https://github.com/example/invented"
    journal_ref: str | None = None
    doi: str | None = None
    deleted: bool = False
    license: str = "http://creativecommons.org/licenses/by/4.0/"

    @property
    def raw_authors(self) -> str:
        parts = []
        for key, fore, affs in self.authors:
            parts.append(f"{fore} {key}" + (f" ({', '.join(affs)})" if affs else ""))
        return ", ".join(parts)


def rfc822(d: datetime) -> str:
    return d.strftime("%a, %-d %b %Y %H:%M:%S GMT")


def _opt(tag: str, value: str | None) -> str:
    return f"<{tag}>{escape(value)}</{tag}>" if value else ""


def arxiv_raw_metadata(r: Rec) -> str:
    versions = "".join(
        f'<version version="v{i}"><date>{rfc822(d)}</date><size>123kb</size>'
        f"<source_type>D</source_type></version>"
        for i, d in enumerate(r.versions, 1)
    )
    return (
        '<arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://arxiv.org/OAI/arXivRaw/ '
        'https://oaipmh.arxiv.org/OAI/arXivRaw.xsd">'
        f"<id>{r.id}</id><submitter>{escape(r.authors[0][1])} {escape(r.authors[0][0])}</submitter>"
        f"{versions}<title>{escape(r.title)}</title><authors>{escape(r.raw_authors)}</authors>"
        f"<categories>{r.categories}</categories>{_opt('comments', r.comments)}"
        f"{_opt('journal-ref', r.journal_ref)}{_opt('doi', r.doi)}"
        f"<license>{escape(r.license)}</license>"
        f"<abstract>{escape(r.abstract)}</abstract></arXivRaw>"
    )


def arxiv_metadata(r: Rec) -> str:
    authors = "".join(
        f"<author><keyname>{escape(k)}</keyname><forenames>{escape(f)}</forenames>"
        + "".join(f"<affiliation>{escape(a)}</affiliation>" for a in affs)
        + "</author>"
        for k, f, affs in r.authors
    )
    updated = f"<updated>{r.versions[-1].date()}</updated>" if len(r.versions) > 1 else ""
    return (
        '<arXiv xmlns="http://arxiv.org/OAI/arXiv/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://arxiv.org/OAI/arXiv/ https://oaipmh.arxiv.org/OAI/arXiv.xsd">'
        f"<id>{r.id}</id><created>{r.versions[0].date()}</created>{updated}"
        f"<authors>{authors}</authors><title>{escape(r.title)}</title>"
        f"<categories>{r.categories}</categories>{_opt('comments', r.comments)}"
        f"{_opt('journal-ref', r.journal_ref)}{_opt('doi', r.doi)}"
        f"<license>{escape(r.license)}</license>"
        f"<abstract>{escape(r.abstract)}</abstract></arXiv>"
    )


def oai_record(r: Rec, prefix: str) -> str:
    sets = "".join(
        f"<setSpec>{c.split('.')[0]}:{c.split('.')[0]}:{c.split('.')[-1]}</setSpec>"
        for c in r.categories.split()
    )
    status = ' status="deleted"' if r.deleted else ""
    header = (
        f"<header{status}><identifier>oai:arXiv.org:{r.id}</identifier>"
        f"<datestamp>{r.datestamp}</datestamp>{sets}</header>"
    )
    if r.deleted:
        return f"<record>{header}</record>"
    body = arxiv_raw_metadata(r) if prefix == "arXivRaw" else arxiv_metadata(r)
    return f"<record>{header}<metadata>{body}</metadata></record>"


def oai_envelope(inner: str, request_attrs: str = 'verb="ListRecords"') -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ '
        'http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">'
        "<responseDate>2026-08-24T02:00:00Z</responseDate>"
        f"<request {request_attrs}>https://oaipmh.arxiv.org/oai</request>{inner}</OAI-PMH>"
    )


def list_records_page(
    records: list[Rec], prefix: str, token: str | None, expiry: str = "2026-08-25T00:00:00Z"
) -> str:
    tok = (
        f"<resumptionToken expirationDate='{expiry}'>{escape(token)}</resumptionToken>"
        if token
        else "<resumptionToken/>"
    )
    body = "".join(oai_record(r, prefix) for r in records)
    return oai_envelope(f"<ListRecords>{body}{tok}</ListRecords>")


def oai_error(code: str, message: str) -> str:
    return oai_envelope(f'<error code="{code}">{escape(message)}</error>')


def atom_entry(r: Rec) -> str:
    v = len(r.versions)
    authors = "".join(
        f"<author><name>{escape(f)} {escape(k)}</name>"
        + "".join(f"<arxiv:affiliation>{escape(a)}</arxiv:affiliation>" for a in affs)
        + "</author>"
        for k, f, affs in r.authors
    )
    cats = r.categories.split()
    return (
        f"<entry><id>http://arxiv.org/abs/{r.id}v{v}</id>"
        f"<updated>{r.versions[-1].strftime('%Y-%m-%dT%H:%M:%SZ')}</updated>"
        f"<published>{r.versions[0].strftime('%Y-%m-%dT%H:%M:%SZ')}</published>"
        f"<title>{escape(r.title)}</title><summary>{escape(r.abstract)}</summary>{authors}"
        f"{_opt('arxiv:doi', r.doi)}{_opt('arxiv:comment', r.comments)}"
        f"{_opt('arxiv:journal_ref', r.journal_ref)}"
        f'<link href="http://arxiv.org/abs/{r.id}v{v}" rel="alternate" type="text/html"/>'
        f'<link title="pdf" href="http://arxiv.org/pdf/{r.id}v{v}" rel="related" '
        'type="application/pdf"/>'
        f'<arxiv:primary_category term="{cats[0]}" scheme="http://arxiv.org/schemas/atom"/>'
        + "".join(f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in cats)
        + "</entry>"
    )


def atom_feed(entries: list[str], total: int | None = None) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom">'
        "<id>http://arxiv.org/api/test</id><title>ArXiv Query</title>"
        "<updated>2026-08-24T00:00:00-04:00</updated>"
        f"<opensearch:totalResults>{len(entries) if total is None else total}"
        "</opensearch:totalResults><opensearch:startIndex>0</opensearch:startIndex>"
        f"<opensearch:itemsPerPage>{len(entries)}</opensearch:itemsPerPage>"
        + "".join(entries)
        + "</feed>"
    )


def atom_error(message: str) -> str:
    return atom_feed(
        [
            "<entry><id>http://arxiv.org/api/errors#incorrect_id_format</id><title>Error</title>"
            f"<summary>{escape(message)}</summary><updated>2026-08-24T00:00:00-04:00</updated>"
            "<author><name>arXiv api core</name></author></entry>"
        ]
    )


def snapshot_line(r: Rec) -> bytes:
    obj = {
        "id": r.id,
        "submitter": f"{r.authors[0][1]} {r.authors[0][0]}",
        "authors": r.raw_authors,
        "title": r.title,
        "comments": r.comments,
        "journal-ref": r.journal_ref,
        "doi": r.doi,
        "report-no": None,
        "categories": r.categories,
        "license": r.license,
        "abstract": r.abstract,
        "versions": [
            {"version": f"v{i}", "created": rfc822(d)} for i, d in enumerate(r.versions, 1)
        ],
        "update_date": r.datestamp,
        "authors_parsed": [[k, f, "", *affs] for k, f, affs in r.authors],
    }
    return orjson.dumps(obj) + b"\n"


def many(n: int, start: int = 1, month: str = "2608") -> list[Rec]:
    """n distinct invented records with ids <month>.<00001+...>."""
    return [
        Rec(
            id=f"{month}.{start + i:05d}",
            title=f"Invented study number {start + i} of "
            f'$\\alpha$-models for Schr\\"odinger bridges',
        )
        for i in range(n)
    ]
