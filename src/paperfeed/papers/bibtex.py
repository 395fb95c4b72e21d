"""BibTeX entries for papers, in the form arXiv's own 'Export BibTeX citation' gives."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from paperfeed.sources.normalize import split_math

_SPECIAL = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_"}


def citation_key(paper: dict[str, Any]) -> str:
    authors = paper.get("authors") or []
    last = authors[0]["name"].split()[-1] if authors else "anon"
    year = _year(paper)
    words = [w for w in re.findall(r"[A-Za-z]+", paper.get("title") or "") if len(w) > 3]
    return _ascii(f"{last}{year}{words[0] if words else ''}").lower()


MEDIA_TYPE = "text/x-bibtex; charset=utf-8"


def bibtex_file(papers: list[dict[str, Any]]) -> str:
    """Entries for all these papers, each key unique in the file: a key already taken gets
    a, b, c… (wang2026learning, wang2026learninga), as reference managers do."""
    taken: set[str] = set()
    entries = []
    for paper in papers:
        key = base = citation_key(paper)
        n = 0
        while key in taken:
            key = base + _suffix(n)
            n += 1
        taken.add(key)
        entries.append(bibtex_entry(paper, key))
    return "\n".join(entries)


def _suffix(n: int) -> str:
    """a..z, then aa, ab, …"""
    letters = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(97 + r) + letters
    return letters


def bibtex_entry(paper: dict[str, Any], key: str | None = None) -> str:
    fields = [
        ("title", "{" + _escape(paper["title"]) + "}"),
        ("author", " and ".join(_escape(a["name"]) for a in paper.get("authors") or [])),
        ("year", str(_year(paper))),
        ("eprint", paper["arxiv_id"]),
        ("archivePrefix", "arXiv"),
        ("primaryClass", paper.get("primary_category") or ""),
        ("doi", paper.get("doi") or ""),
        ("journal", _escape(paper.get("journal_ref") or "")),
        ("url", f"https://arxiv.org/abs/{paper['arxiv_id']}"),
    ]
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
    kind = "article" if paper.get("journal_ref") else "misc"
    return f"@{kind}{{{key or citation_key(paper)},\n{body}\n}}\n"


def _year(paper: dict[str, Any]) -> int:
    when = paper.get("published_at") or paper.get("feed_date")
    return when.year if when is not None else 0


def _escape(text: str) -> str:
    """Escape BibTeX's special characters in text; math stays as written."""
    pieces = split_math(text)
    for i in range(0, len(pieces), 2):
        pieces[i] = "".join(_SPECIAL.get(ch, ch) for ch in pieces[i])
    return "".join(pieces)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
