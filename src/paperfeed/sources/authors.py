"""Author lists: raw author strings, and parsed [keyname, forenames, suffix, affil...] rows."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from paperfeed.sources.normalize import fold_whitespace, name_to_unicode
from paperfeed.sources.record import Author

_AND = re.compile(r"\s+and\s+|\s*;\s*", re.IGNORECASE)
_NUMBERED = re.compile(r"^\(\d+\)\s*")
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


def parse_author_string(raw: str) -> list[Author]:
    """'Jane Doe (Example Univ.), John Roe Jr and Ann Poe' -> authors with affiliations.

    Commas and 'and' split authors only outside parentheses; a parenthesised group
    after a name is that author's affiliation.
    """
    authors: list[Author] = []
    for chunk in _top_level_split(fold_whitespace(raw)):
        name, affiliations = _name_and_affiliations(chunk)
        if name.lower() in _SUFFIXES and authors:
            authors[-1].name = f"{authors[-1].name} {name}"
            continue
        if name:
            authors.append(Author(name_to_unicode(name), affiliations))
    return authors


def from_parsed_rows(rows: Iterable[Sequence[str]]) -> list[Author]:
    """Kaggle's authors_parsed rows: [keyname, forenames, suffix, affiliation, ...]."""
    authors = []
    for row in rows:
        n = len(row)
        keyname = row[0] if n else ""
        forenames = row[1] if n > 1 else ""
        name = f"{forenames} {keyname}" if forenames and keyname else forenames or keyname
        if n > 2 and row[2]:
            name = f"{name} {row[2]}" if name else row[2]
        if name.strip():
            affiliations = [name_to_unicode(a) for a in row[3:] if a] if n > 3 else []
            authors.append(Author(name_to_unicode(name), affiliations))
    return authors


def _top_level_split(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    out: list[str] = []
    for part in parts:
        out.extend(_split_and(part))
    return [p.strip() for p in out if p.strip()]


def _split_and(part: str) -> list[str]:
    if "(" not in part:
        return _AND.split(part)
    # only split on 'and' before the first parenthesis
    head, sep, tail = part.partition("(")
    pieces = _AND.split(head)
    pieces[-1] = pieces[-1] + sep + tail
    return pieces


def _name_and_affiliations(chunk: str) -> tuple[str, list[str]]:
    if "(" not in chunk:
        return chunk.strip(), []
    name, _, rest = chunk.partition("(")
    inner = rest.rsplit(")", 1)[0]
    affiliations = [
        name_to_unicode(_NUMBERED.sub("", a).strip().strip(",").strip())
        for a in re.split(r"\s*\(\d+\)\s*|;", inner)
        if a.strip()
    ]
    return name.strip(), affiliations
