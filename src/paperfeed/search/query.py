"""The query language: plain words, "phrases", +"exact phrases", author:, cat:, since:, until:.

A quoted phrase is a strong preference: papers that have it come first, the others follow
(ranked by its words). `+"…"` makes it a requirement: only papers that have it.

Forgiving by design: unbalanced quotes, search-engine operators (NEAR(, *, AND, -x),
SQL, emoji or 10,000 characters all parse into something, never an error. Problems that
the user should know about (a bad date, an unknown filter value) come back as notes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from paperfeed.papers.ids import CATEGORY as ARXIV_CATEGORY
from paperfeed.papers.ids import parse_arxiv_id

MAX_QUERY = 1000  # characters considered; the rest is ignored (and said so)
MAX_WORDS = 200  # words kept from the query (the keyword index keeps its most informative)
_TOKEN = re.compile(r'(\w+):"([^"]*)"?|(\w+):(\S+)|(\+?)"([^"]*)"?|(\S+)')
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
    phrases: list[str] = field(default_factory=list)  # "…": ranked first when matched
    required: list[str] = field(default_factory=list)  # +"…": must match
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (typed, to): `spelled`
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None
    arxiv_id: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        """The query's text: required phrases, phrases and words."""
        return [*self.required, *self.phrases, *self.words]

    @property
    def typed(self) -> list[str]:
        """The misspelt words as typed (still looked for by keyword)."""
        return [typed for typed, _to in self.corrections]

    @property
    def marks(self) -> tuple[str, ...]:
        """What to highlight in results: phrases, and words other than function words."""
        words = (w for w in self.words if w.lower() not in STOPWORDS)
        return tuple([*self.required, *self.phrases, *words])

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
        elif match.group(6) is not None:
            phrase = " ".join(_WORD.findall(match.group(6)))
            if phrase:
                (query.required if match.group(5) else query.phrases).append(phrase)
        else:
            query.words.extend(_words(match.group(7)))
    if len(query.words) > MAX_WORDS:
        query.notes.append(f"Only the first {MAX_WORDS} words were used.")
        query.words = query.words[:MAX_WORDS]
    return query


def spelled(query: Query, corrections: dict[str, str]) -> Query:
    """The query with misspelt words replaced by their corrections; the words as typed stay
    in `corrections` (still looked for by keyword, so a paper that has them is found)."""
    if not corrections:
        return query
    words = [corrections.get(w, w) for w in query.words]
    return replace(query, words=words, corrections=[*query.corrections, *corrections.items()])


def did_you_mean(text: str, corrections: Sequence[tuple[str, str]]) -> str:
    """The query box's text with the corrections made (for the "did you mean" link)."""
    for typed, to in corrections:
        text = re.sub(rf"(?<!\w){re.escape(typed)}(?!\w)", to, text)
    return text


def required_phrases(query: Query) -> Query:
    """The same query with its phrases as requirements (digest topics: a topic is a filter)."""
    return replace(query, phrases=[], required=[*query.required, *query.phrases])


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
