"""Similar papers: by meaning (embeddings), or by shared distinctive words until embedded.

Semantic first: the nearest neighbours of the paper's embedding in the vector index. A paper
not embedded yet (or with semantic search off) gets its most alike papers in words from the
keyword index, in its primary category; without a usable keyword index, a lexical measure
over its primary category's recent papers (the slow path: ~350 ms of CPU a page).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from paperfeed.papers.queries import LIST_COLUMNS, papers

if TYPE_CHECKING:
    from paperfeed.search.indexes import SearchIndexes

CANDIDATES = 3000
_WORD = re.compile(r"[a-z][a-z0-9-]{2,}")
_STOPWORDS = """
the and for with from that this these those are was were been being have has had not but
its our their into over under than then them they which while where when what who whom
can could may might must shall should will would also such more most less least very
using use used based via new show shows shown paper propose proposed approach method
methods results result model models data problem problems study present work task tasks
"""
_STOP = frozenset(_STOPWORDS.split())


def _terms(text: str) -> Counter[str]:
    return Counter(w for w in _WORD.findall(text.lower()) if w not in _STOP)


def _weights(paper: dict[str, Any]) -> Counter[str]:
    weights = _terms(paper["abstract"] or "")
    for term, n in _terms(paper["title"]).items():
        weights[term] += 3 * n  # title words count more
    return weights


def similar_papers(
    conn: Connection,
    paper: dict[str, Any],
    limit: int = 10,
    indexes: SearchIndexes | None = None,
) -> list[dict[str, Any]]:
    """Papers nearest in meaning to `paper` (its embedding's neighbours), or, until it has
    an embedding, most like it in words among recent papers of its primary category."""
    if indexes is not None:
        found = _semantic(conn, paper, limit, indexes)
        if found is None:
            found = _keyword(conn, paper, limit, indexes)
        if found is not None:
            return found
    return _lexical(conn, paper, limit)


def _keyword(
    conn: Connection, paper: dict[str, Any], limit: int, indexes: SearchIndexes
) -> list[dict[str, Any]] | None:
    """By words, through the keyword index (a fraction of a millisecond); None while the
    index is empty or being rebuilt."""
    keyword = indexes.keyword
    indexes.refresh_for_search(conn)  # papers stored since the last pass, as search does
    if keyword.needs_rebuild:
        return None
    try:
        ids = keyword.similar(
            title=paper["title"] or "",
            abstract=paper["abstract"] or "",
            category=paper.get("primary_category"),
            exclude=paper["id"],
            limit=limit,
        )
    except ValueError:  # a damaged index: the in-database measure below
        return None
    if not ids:
        return None if keyword.num_docs() == 0 else []
    from paperfeed.search.service import rows_by_id

    return rows_by_id(conn, ids)


def _semantic(
    conn: Connection, paper: dict[str, Any], limit: int, indexes: SearchIndexes
) -> list[dict[str, Any]] | None:
    if not indexes.settings.semantic_search:
        return None
    vector = indexes.vectors.vector_of(paper["id"])
    if vector is None:
        return None
    from paperfeed.search.service import rows_by_id

    hits = indexes.vectors.search(vector, limit + 1)
    return rows_by_id(conn, [i for i in hits.ids if i != paper["id"]][:limit])


def _lexical(conn: Connection, paper: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    category = paper.get("primary_category")
    if not category:
        return []
    rows = (
        conn.execute(
            select(*LIST_COLUMNS)
            .where(papers.c.primary_category == category, papers.c.id != paper["id"])
            .order_by(papers.c.feed_date.desc())
            .limit(CANDIDATES)
        )
        .mappings()
        .all()
    )
    candidates = [dict(r) for r in rows]
    docs = [_weights(c) for c in candidates]
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    n = len(docs) + 1
    query = _weights(paper)
    idf = {t: math.log(n / (1 + df[t])) + 1 for t in query}
    scored = []
    for cand, doc in zip(candidates, docs, strict=True):
        overlap = sum(min(q, doc[t]) * idf[t] for t, q in query.items() if t in doc)
        if overlap > 0:
            scored.append((overlap / math.sqrt(1 + sum(doc.values())), cand))
    scored.sort(key=lambda x: (-x[0], x[1]["arxiv_id"]))
    return [c for _, c in scored[:limit]]
