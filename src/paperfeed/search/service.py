"""Searching stored papers with the parsed query: every term must match; filters narrow.

Relevance is a simple, explainable score: a term in the title counts 3, in the abstract 1,
then newer first. It scans the papers table; the keyword and semantic indexes of the search
issue replace this function for large instances.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, String, case, cast, func, literal, or_, select

from paperfeed.papers.queries import LIST_COLUMNS, PaperPage, papers
from paperfeed.search.query import Query

SORTS = ("relevance", "date")


def _like(term: str) -> str:
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(query: Query) -> list[Any]:
    title, abstract = func.lower(papers.c.title), func.lower(papers.c.abstract)
    conds: list[Any] = [
        or_(title.like(_like(t), escape="\\"), abstract.like(_like(t), escape="\\"))
        for t in query.terms
    ]
    authors_text = func.lower(cast(papers.c.authors, String))
    conds += [authors_text.like(_like(a), escape="\\") for a in query.authors]
    if query.categories:
        padded = literal(" ") + papers.c.categories + literal(" ")
        conds.append(or_(*[padded.like(f"% {c} %") for c in query.categories]))
    if query.since:
        conds.append(papers.c.feed_date >= query.since)
    if query.until:
        conds.append(papers.c.feed_date <= query.until)
    return conds


def _relevance(query: Query) -> Any:
    title, abstract = func.lower(papers.c.title), func.lower(papers.c.abstract)
    parts = [
        case((title.like(_like(t), escape="\\"), 3), else_=0)
        + case((abstract.like(_like(t), escape="\\"), 1), else_=0)
        for t in query.terms
    ]
    return sum(parts[1:], parts[0]) if parts else literal(0)


def search_papers(
    conn: Connection, query: Query, *, sort: str = "relevance", page: int = 1, page_size: int = 50
) -> PaperPage:
    conds = _conditions(query)
    total = conn.execute(select(func.count()).select_from(papers).where(*conds)).scalar_one()
    order = [papers.c.feed_date.desc(), papers.c.id.desc()]
    if sort == "relevance" and query.terms:
        order.insert(0, _relevance(query).desc())
    rows = conn.execute(
        select(*LIST_COLUMNS)
        .where(*conds)
        .order_by(*order)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).mappings()
    return PaperPage([dict(r) for r in rows], total, page, page_size)
