"""Reading a reference file (BibTeX, RIS or CSL-JSON) and matching its entries to papers:
by arXiv id (eprint, arXiv URLs or DOIs, `arXiv:` anywhere), then DOI, then title."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import bibtexparser
import orjson
import rispy
from sqlalchemy import Connection, func, select

from paperfeed.papers.ids import ID_PATTERN, parse_arxiv_id
from paperfeed.papers.queries import papers

MAX_ENTRIES = 5000
_ARXIV_IN_TEXT = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf)/|arXiv:\s*|10\.48550/arXiv\.)({ID_PATTERN})", re.IGNORECASE
)
_DOI = re.compile(r"\b(10\.\d{4,9}/\S+)", re.IGNORECASE)


class ReferenceFileError(ValueError):
    """The file cannot be read at all (the message says what and where)."""


@dataclass
class Reference:
    key: str  # the entry's key or id, or "entry N"
    line: int | None
    arxiv_id: str | None = None
    doi: str | None = None
    title: str | None = None
    unreadable: bool = False


@dataclass
class Matching:
    matched: dict[str, int] = field(default_factory=dict)  # key -> paper id
    to_fetch: dict[str, str] = field(default_factory=dict)  # key -> arXiv id
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    how: dict[str, str] = field(default_factory=dict)  # key -> "arXiv id" | "DOI" | "title"


def detect(text: str) -> str:
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("[", "{")):
        return "csl.json"
    if re.search(r"^TY  - ", text, re.MULTILINE):
        return "ris"
    return "bib"


def parse(text: str) -> tuple[str, list[Reference]]:
    fmt = detect(text)
    refs = {"bib": _bibtex, "ris": _ris, "csl.json": _csl}[fmt](text)
    if len(refs) > MAX_ENTRIES:
        raise ReferenceFileError(f"{len(refs):,} entries: at most {MAX_ENTRIES:,} a file")
    return fmt, refs


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _reference(
    key: str, line: int | None, fields: dict[str, Any], eprint: str | None, doi: Any, title: Any
) -> Reference:
    arxiv = None
    if eprint:
        parsed = parse_arxiv_id(eprint.strip())
        arxiv = parsed.base if parsed else None
    if arxiv is None:
        for text in _strings(fields):
            found = _ARXIV_IN_TEXT.search(text)
            parsed = parse_arxiv_id(found.group(1)) if found else None
            if parsed:
                arxiv = parsed.base
                break
    doi_text = doi if isinstance(doi, str) else None
    doi_match = _DOI.search(doi_text) if doi_text else None
    return Reference(
        key=key[:200],
        line=line,
        arxiv_id=arxiv,
        doi=doi_match.group(1).rstrip(".,;").lower() if doi_match else None,
        title=title.strip(" {}") if isinstance(title, str) and title.strip() else None,
    )


def _bibtex(text: str) -> list[Reference]:
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # failures are reported below
    library = bibtexparser.parse_string(text)
    refs = []
    for entry in library.entries:
        fields = {k.lower(): v.value for k, v in entry.fields_dict.items()}
        eprint = (
            fields.get("eprint")
            if "arxiv"
            in (fields.get("archiveprefix", "arxiv") + fields.get("eprinttype", "")).lower()
            else None
        )
        refs.append(
            _reference(
                entry.key,
                (entry.start_line or 0) + 1,
                fields,
                eprint,
                fields.get("doi"),
                fields.get("title"),
            )
        )
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        refs.append(Reference(key=f"line {line}", line=line, unreadable=True))
    return refs


def _ris(text: str) -> list[Reference]:
    try:
        entries = rispy.loads(text, skip_unknown_tags=True)
    except Exception as exc:  # rispy raises IOError and others on broken records
        raise ReferenceFileError(f"RIS: {exc}") from exc
    refs = []
    for n, entry in enumerate(entries, 1):
        key = str(entry.get("id") or f"entry {n}")
        title = entry.get("title") or entry.get("primary_title")
        refs.append(_reference(key, None, entry, None, entry.get("doi"), title))
    return refs


def _csl(text: str) -> list[Reference]:
    try:
        data = orjson.loads(text.lstrip("\ufeff"))
    except orjson.JSONDecodeError as exc:
        raise ReferenceFileError(f"CSL-JSON: {exc}") from exc
    items = (
        data if isinstance(data, list) else data.get("items") if isinstance(data, dict) else None
    )
    if not isinstance(items, list):
        raise ReferenceFileError("CSL-JSON: expected a list of items")
    refs = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            refs.append(Reference(key=f"item {n}", line=None, unreadable=True))
            continue
        key = str(item.get("id") or f"item {n}")
        number = item.get("number") if str(item.get("publisher", "")).lower() == "arxiv" else None
        refs.append(
            _reference(
                key,
                None,
                item,
                number if isinstance(number, str) else None,
                item.get("DOI"),
                item.get("title"),
            )
        )
    return refs


def normal_title(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).lower()
    text = re.sub(r"\\[a-z]+|[{}$]", " ", text)
    return " ".join(re.findall(r"[a-z0-9]+", text))


TitleFinder = Callable[[str], list[int]]


def match(conn: Connection, refs: list[Reference], find_title: TitleFinder | None) -> Matching:
    out = Matching()
    by_arxiv = _ids_by(conn, papers.c.arxiv_id, {r.arxiv_id for r in refs if r.arxiv_id})
    by_doi = _ids_by(conn, func.lower(papers.c.doi), {r.doi for r in refs if r.doi})
    for ref in refs:
        where = f" (line {ref.line})" if ref.line else ""
        if ref.unreadable:
            out.unmatched.append({"key": ref.key, "reason": f"unreadable entry{where}"})
        elif ref.arxiv_id and ref.arxiv_id in by_arxiv:
            out.matched[ref.key], out.how[ref.key] = by_arxiv[ref.arxiv_id], "arXiv id"
        elif ref.arxiv_id:
            out.to_fetch[ref.key] = ref.arxiv_id
        elif ref.doi and ref.doi in by_doi:
            out.matched[ref.key], out.how[ref.key] = by_doi[ref.doi], "DOI"
        elif ref.title and (found := _by_title(conn, ref.title, find_title)) is not None:
            out.matched[ref.key], out.how[ref.key] = found, "title"
        else:
            has = "a title" if ref.title else "no title"
            out.unmatched.append(
                {
                    "key": ref.key,
                    "reason": f"no arXiv id, and no paper here has its DOI or title ({has}){where}",
                }
            )
    return out


def _ids_by(conn: Connection, column: Any, values: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    items = sorted(values)
    for i in range(0, len(items), 500):
        rows = conn.execute(select(column, papers.c.id).where(column.in_(items[i : i + 500])))
        found.update({k: v for k, v in rows})
    return found


def _by_title(conn: Connection, title: str, find_title: TitleFinder | None) -> int | None:
    wanted = normal_title(title)
    if len(wanted) < 8:
        return None
    candidates = find_title(title) if find_title else []
    if not candidates:
        longest = max(wanted.split(), key=len)
        candidates = list(
            conn.execute(
                select(papers.c.id).where(papers.c.title.ilike(f"%{longest}%")).limit(200)
            ).scalars()
        )
    if not candidates:
        return None
    rows = conn.execute(select(papers.c.id, papers.c.title).where(papers.c.id.in_(candidates)))
    for pid, candidate in rows:
        if normal_title(candidate) == wanted:
            return int(pid)
    return None
