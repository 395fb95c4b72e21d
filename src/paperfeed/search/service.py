"""Hybrid search: BM25 keyword hits and semantic (embedding) hits, fused by reciprocal rank.

Ranking, as docs/search.md publishes it:
- keyword list: Tantivy BM25 over title, abstract and authors as separate fields; words are OR-ed,
  so papers with more of them (and rarer ones) come first; +"required phrases", author:,
  cat:, since: and until: must match; papers with every "quoted phrase" come first;
- semantic list: nearest papers to the query's embedding (cosine >= SEMANTIC_MIN_SCORE),
  with the same must-match conditions checked against the database;
- fusion: score(p) = sum over the lists of 1 / (RRF_K + rank of p in that list), ranks from 1,
  both lists weighted 1; ties broken by the keyword rank, then the paper id; papers with
  every quoted phrase first;
- misspelt words (unknown to the index, close to a word it knows) are searched as corrected,
  and by keyword as typed too (speller.py).
Sort by date: every word must match, newest first (keyword index only).
A query of filters only (no words, no author) lists the matching papers newest first.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, String, bindparam, cast, func, literal, or_, select

from paperfeed.papers.queries import LIST_COLUMNS, PaperPage, papers
from paperfeed.search.query import Query, spelled

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from paperfeed.search.indexes import SearchIndexes
    from paperfeed.search.vectors import VectorHits

log = logging.getLogger(__name__)

SORTS = ("relevance", "date")
DEPTH = 100  # hits taken from each list before fusion (more for later pages)
MAX_RESULTS = 1000  # deepest result reachable by paging
FILTERED_FANOUT = 10  # semantic candidates per wanted hit when conditions must be checked
# vector-index searches run here, beside the request's keyword search; the two overlap
# (timed by hand on the bench's 1M index, not a bench figure: a keyword and a vector search
# took 3.9-4.6 ms one after the other, 2.9-3.0 ms side by side); a few for concurrent requests
_NEAREST = ThreadPoolExecutor(max_workers=4, thread_name_prefix="nearest")


@dataclass
class Ranked:
    ids: list[int]
    total: int
    matched: dict[int, str] = field(default_factory=dict)  # "words", "meaning" or "both"


def rrf(
    lists: Sequence[Sequence[int]], k: int, weights: Sequence[float] | None = None
) -> list[int]:
    """Reciprocal rank fusion of ranked id lists (ties: earlier list's rank, then id)."""
    score: dict[int, float] = {}
    first: dict[int, tuple[int, int]] = {}
    for li, ids in enumerate(lists):
        weight = weights[li] if weights else 1.0
        for rank, pid in enumerate(ids, start=1):
            score[pid] = score.get(pid, 0.0) + weight / (k + rank)
            first.setdefault(pid, (li, rank))
    return sorted(score, key=lambda p: (-score[p], first[p], p))


def _like(term: str) -> str:
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def constraints(query: Query) -> list[Any]:
    """SQL for what must hold of every result whatever the list: phrases, authors, filters."""
    title, abstract = func.lower(papers.c.title), func.lower(papers.c.abstract)
    conds: list[Any] = [
        or_(title.like(_like(t), escape="\\"), abstract.like(_like(t), escape="\\"))
        for t in query.required
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


def query_vector(indexes: SearchIndexes, query: Query) -> Future[NDArray[np.float32]] | None:
    """Start embedding the query's words (None: no words, or semantic search not ready).

    It runs on the query-embedding thread while the keyword index is searched."""
    text = " ".join(query.terms)
    if not text or not indexes.semantic_ready():
        return None
    embedder = indexes.embedder()
    return embedder.query_future(text) if embedder is not None else None


def semantic_depth(conds: Sequence[Any], depth: int) -> int:
    """How many nearest papers to ask the vector index for (more when the query's
    conditions, `constraints`, must be checked against the database afterwards)."""
    return min(depth * (FILTERED_FANOUT if conds else 1), MAX_RESULTS * 2)


def nearest(
    indexes: SearchIndexes, vector: Future[NDArray[np.float32]], k: int
) -> Future[VectorHits]:
    """The vector index's k nearest papers to the query, searched on a thread of their own
    as soon as the query is embedded: beside the keyword search, not after it."""
    return _NEAREST.submit(lambda: indexes.vectors.search(vector.result(), k))


def semantic_ids(
    conn: Connection,
    indexes: SearchIndexes,
    query: Query,
    conds: Sequence[Any],
    depth: int,
    hits: Future[VectorHits],
) -> list[int] | None:
    """Papers nearest in meaning to the query's words, from the search `nearest` started,
    that meet the query's conditions (None: the query could not be embedded)."""
    try:
        found = hits.result()
    except Exception:  # the model failed on this text: the keyword list still answers
        log.exception("no semantic list for the query %r", " ".join(query.terms)[:100])
        return None
    minimum = indexes.settings.semantic_min_score
    ids = [i for i, s in zip(found.ids, found.scores, strict=True) if s >= minimum]
    if conds and ids:
        allowed = set(
            conn.execute(select(papers.c.id).where(papers.c.id.in_(ids), *conds)).scalars()
        )
        ids = [i for i in ids if i in allowed]
    return ids[:depth]


def spell(indexes: SearchIndexes, query: Query) -> Query:
    """The query with its misspelt words corrected (unchanged while no speller is built)."""
    speller = indexes.speller.get() if query.words else None
    if speller is None:
        return query
    fixes = speller.corrections(query.words, indexes.keyword.knows)
    return spelled(query, {c.word: c.to for c in fixes})


def preferred_first(ids: list[int], preferred: set[int]) -> list[int]:
    """Papers with every quoted phrase first, each group in its order."""
    if not preferred:
        return ids
    return [i for i in ids if i in preferred] + [i for i in ids if i not in preferred]


def rank(conn: Connection, indexes: SearchIndexes, query: Query, *, sort: str, want: int) -> Ranked:
    """The ranked ids of the first `want` results (and an estimate of how many there are)."""
    want = min(want, MAX_RESULTS)
    depth = max(DEPTH, want)
    # first: the query embeds, then the vector index is searched (on threads of their own),
    # while the keyword index is searched here
    vector = query_vector(indexes, query) if sort != "date" else None
    conds = constraints(query) if vector else []  # what the semantic list must meet
    hits = nearest(indexes, vector, semantic_depth(conds, depth)) if vector else None
    indexes.refresh_for_search(conn)
    if sort == "date":
        found = indexes.keyword.search(query, limit=want, by_date=True)
        return Ranked(found.ids, found.total, dict.fromkeys(found.ids, "words"))
    keyword = indexes.keyword.search(query, limit=depth)
    semantic = semantic_ids(conn, indexes, query, conds, depth, hits) if hits else None
    if not semantic:
        total = MAX_RESULTS if keyword.total > depth else keyword.total
        return Ranked(keyword.ids, total, dict.fromkeys(keyword.ids, "words"))
    fused = preferred_first(rrf([keyword.ids, semantic], indexes.settings.rrf_k), keyword.preferred)
    in_keyword, in_semantic = set(keyword.ids), set(semantic)
    matched = {
        p: "both"
        if p in in_keyword and p in in_semantic
        else "words"
        if p in in_keyword
        else "meaning"
        for p in fused
    }
    extra = len(in_semantic - in_keyword)
    saturated = len(keyword.ids) == depth and keyword.total > depth
    return Ranked(fused, MAX_RESULTS if saturated else keyword.total + extra, matched)


# built once: building the IN (...) clause per call coerced every id (a third of the call
# under cProfile)
_BY_ID = select(*LIST_COLUMNS).where(papers.c.id.in_(bindparam("ids", expanding=True)))


def rows_by_id(conn: Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    """List rows of these papers, in the order given (papers no longer stored are skipped)."""
    if not ids:
        return []
    found = {r["id"]: dict(r) for r in conn.execute(_BY_ID, {"ids": list(ids)}).mappings()}
    return [found[i] for i in ids if i in found]


def search_papers(
    conn: Connection,
    query: Query,
    *,
    indexes: SearchIndexes,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = 50,
) -> PaperPage:
    """One page of results. The query is searched as corrected (`spell`); the caller shows
    its corrections."""
    if not (query.terms or query.authors):
        return _filtered_list(conn, query, page, page_size)
    ranked = rank(conn, indexes, query, sort=sort, want=page * page_size)
    chosen = ranked.ids[(page - 1) * page_size : page * page_size]
    rows = rows_by_id(conn, chosen)
    for row in rows:
        row["matched"] = ranked.matched.get(row["id"], "words")
    return PaperPage(rows, min(ranked.total, MAX_RESULTS), page, page_size)


def search_ids(
    conn: Connection, query: Query, *, indexes: SearchIndexes, sort: str, limit: int
) -> list[int]:
    """The ids of the first `limit` results of `search_papers` (page 1), in order: for
    callers that keep each paper's rendering (the API's search)."""
    if query.terms or query.authors:
        return rank(conn, indexes, query, sort=sort, want=limit).ids[:limit]
    return list(conn.execute(_filtered(query, papers.c.id).limit(limit)).scalars())


def _filtered(query: Query, *columns: Any) -> Any:
    """Only filters: the matching papers' `columns`, newest first."""
    return (
        select(*columns)
        .where(*constraints(query))
        .order_by(papers.c.feed_date.desc(), papers.c.id.desc())
    )


def _filtered_list(conn: Connection, query: Query, page: int, page_size: int) -> PaperPage:
    """Only filters: the matching papers, newest first."""
    conds = constraints(query)
    total = conn.execute(select(func.count()).select_from(papers).where(*conds)).scalar_one()
    rows = conn.execute(
        _filtered(query, *LIST_COLUMNS).limit(page_size).offset((page - 1) * page_size)
    ).mappings()
    return PaperPage([dict(r) for r in rows], total, page, page_size)
