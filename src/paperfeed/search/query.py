"""The query language: plain words, "exact phrases", author:, cat:, since:, until:.

Forgiving by design: unbalanced quotes, search-engine operators (NEAR(, *, AND, -x),
SQL, emoji or 10,000 characters all parse into something, never an error. Problems that
the user should know about (a bad date, an unknown filter value) come back as notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from paperfeed.papers.ids import CATEGORY as ARXIV_CATEGORY
from paperfeed.papers.ids import parse_arxiv_id

MAX_QUERY = 1000  # characters considered; the rest is ignored (and said so)
MAX_TERMS = 32
_TOKEN = re.compile(r'(\w+):"([^"]*)"?|(\w+):(\S+)|"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[\w][\w.+#-]*", re.UNICODE)
CATEGORY = ARXIV_CATEGORY  # the one definition (papers/ids.py)
_OPERATORS = {"and", "or", "not", "near"}
# English function words: not searched for as plain words when the query has others (they
# match nearly every abstract), never highlighted; phrases keep them
STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "were",
        "which",
        "with",
        "we",
        "our",
    }
)


@dataclass
class Query:
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None
    arxiv_id: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        """Everything that must appear in the text (words and phrases)."""
        return [*self.phrases, *self.words]

    @property
    def marks(self) -> tuple[str, ...]:
        """What to highlight in results: phrases, and words other than function words."""
        return tuple([*self.phrases, *(w for w in self.words if w.lower() not in STOPWORDS)])

    @property
    def empty(self) -> bool:
        return not (self.terms or self.authors or self.categories or self.since or self.until)


def parse_query(text: str) -> Query:
    query = Query()
    text = text.strip()
    if len(text) > MAX_QUERY:
        query.notes.append(f"Only the first {MAX_QUERY:,} characters of the query were used.")
        text = text[:MAX_QUERY]
    pasted = parse_arxiv_id(text) if text and " " not in text else None
    if pasted is not None:
        query.arxiv_id = pasted.base
        return query
    for match in _TOKEN.finditer(text):
        key = (match.group(1) or match.group(3) or "").lower()
        value = match.group(2) if match.group(1) else match.group(4)
        if key:
            _filter(query, key, value or "", match.group(0))
        elif match.group(5) is not None:
            phrase = " ".join(_WORD.findall(match.group(5)))
            if phrase:
                query.phrases.append(phrase)
        else:
            query.words.extend(_words(match.group(6)))
    if len(query.terms) > MAX_TERMS:
        query.notes.append(f"Only the first {MAX_TERMS} words were used.")
        query.phrases = query.phrases[:MAX_TERMS]
        query.words = query.words[: max(0, MAX_TERMS - len(query.phrases))]
    return query


def _words(token: str) -> list[str]:
    return [w for w in _WORD.findall(token) if w.lower() not in _OPERATORS]


def _filter(query: Query, key: str, value: str, raw: str) -> None:
    value = value.strip()
    if key in ("author", "au", "by"):
        if value:
            query.authors.append(" ".join(value.replace("_", " ").split()))
    elif key in ("cat", "category"):
        if CATEGORY.match(value):
            query.categories.append(value)
        else:
            query.notes.append(f"'{value[:40]}' is not an arXiv category such as cs.LG.")
    elif key in ("since", "from", "until", "to"):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            query.notes.append(f"'{value[:40]}' is not a date like 2024-01-31 ({key}:).")
            return
        if key in ("since", "from"):
            query.since = day
        else:
            query.until = day
    else:  # not a filter we know (a URL, a time, "re:..."): search its words
        query.words.extend(_words(raw))
