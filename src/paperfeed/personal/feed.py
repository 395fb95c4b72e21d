"""The for-you feed: a member's taste read fresh from the database on every request, ranked
over the window's candidates (personal/pool.py) with personal/recommend.py, with reasons."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

import numpy as np
import scipy.sparse as sp
from sqlalchemy import Connection, Table, func, select

from paperfeed.community.models import Vote
from paperfeed.papers.queries import papers
from paperfeed.personal import follows as signals_
from paperfeed.personal.library import library
from paperfeed.personal.pool import CandidateCache, Candidates
from paperfeed.personal.recommend import (
    LIKE_THRESHOLD,
    CoSaves,
    Ranked,
    Taste,
    rank,
    shared_words,
    short_title,
)
from paperfeed.search.models import PaperEmbedding

votes = cast(Table, Vote.__table__)
embeddings = cast(Table, PaperEmbedding.__table__)
MAX_POSITIVES = 1000  # the most recent saves and upvotes make the profile
MAX_WORD_POSITIVES = 100  # the newest: the words side follows recent taste
AUTHOR_PAPERS = 50  # followed authors' papers that join the profile
COSAVES_MAX_AGE = 60.0  # seconds: others' libraries, in aggregate, are this fresh at most


@dataclass
class Pick:
    paper_id: int
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class Feed:
    picks: list[Pick]
    window: str
    end: date
    cold: bool  # nothing to go on yet: follows, saves and categories make it personal


class CoSaveCache:
    """All members' libraries as one co-save model, rebuilt at most every minute."""

    def __init__(self) -> None:
        self._model: CoSaves | None = None
        self._key: tuple[Any, ...] | None = None
        self._built = 0.0
        self._lock = threading.Lock()

    def get(self, conn: Connection) -> CoSaves | None:
        if self._model is not None and time.monotonic() - self._built < COSAVES_MAX_AGE:
            return self._model
        key = tuple(conn.execute(select(func.count(), func.max(library.c.id))).one())
        with self._lock:
            if key != self._key:
                pairs = [
                    (u, p) for u, p in conn.execute(select(library.c.user_id, library.c.paper_id))
                ]
                self._model = CoSaves(pairs) if pairs else None
                self._key = key
            self._built = time.monotonic()
        return self._model


class ForYou:
    """The per-process state of the feed: candidates and the co-save model."""

    def __init__(self, candidates: CandidateCache) -> None:
        self.candidates = candidates
        self.cosaves = CoSaveCache()

    def feed(self, conn: Connection, user_id: int, window: str, end: date, limit: int) -> Feed:
        pool = self.candidates.get(conn, end)
        found = signals_.signals(conn, user_id)
        taste = member_taste(conn, user_id, found, pool, self.candidates.model)
        allowed = pool.window(window) & allowed_by_mutes(pool, found)
        prior = _upvotes(conn, pool) if taste.cold or not taste.positive_ids else None
        cosaves = self.cosaves.get(conn)
        ranked = rank(pool.pool, taste, cosaves, allowed, prior, limit)
        picks = explain(pool, taste, ranked, cosaves)
        return Feed(picks, window, pool.end, taste.cold)


def positives(conn: Connection, user_id: int) -> list[int]:
    """Saved and upvoted papers, newest first."""
    saved = select(library.c.paper_id, library.c.created_at).where(library.c.user_id == user_id)
    voted = select(votes.c.paper_id, votes.c.created_at).where(votes.c.user_id == user_id)
    both = saved.union_all(voted).subquery()
    rows = conn.execute(
        select(both.c.paper_id).order_by(both.c.created_at.desc()).limit(MAX_POSITIVES * 2)
    )
    return list(dict.fromkeys(r[0] for r in rows))[:MAX_POSITIVES]


def _vectors(conn: Connection, ids: list[int], model: str) -> tuple[list[int], np.ndarray]:
    if not ids:
        return [], np.zeros((0, 1), np.float32)
    rows = conn.execute(
        select(embeddings.c.paper_id, embeddings.c.vector).where(
            embeddings.c.model == model, embeddings.c.paper_id.in_(ids)
        )
    ).all()
    found = {pid: np.frombuffer(blob, dtype="<f4") for pid, blob in rows}
    kept = [pid for pid in ids if pid in found]
    if not kept:
        return [], np.zeros((0, 1), np.float32)
    return kept, np.stack([found[pid] for pid in kept]).astype(np.float32)


def member_taste(
    conn: Connection, user_id: int, found: signals_.Signals, pool: Candidates, model: str
) -> Taste:
    own = positives(conn, user_id)
    authors_papers = _followed_authors_papers(pool, found.follow_authors, set(own))
    profile = own + authors_papers
    vector_ids, vectors = _vectors(conn, profile, model)
    dim = pool.pool.vectors.shape[1]
    if vectors.shape[1] != dim:
        vector_ids, vectors = [], np.zeros((0, dim), np.float32)
    word_ids = profile[:MAX_WORD_POSITIVES]
    text_rows = (
        conn.execute(
            select(papers.c.id, papers.c.title, papers.c.abstract).where(papers.c.id.in_(word_ids))
        ).all()
        if word_ids
        else []
    )
    titles = {r.id: r.title for r in text_rows}
    words = pool.pool.words_of([f"{r.title}. {r.abstract or ''}" for r in text_rows])
    _, negatives = _vectors(conn, sorted(found.not_interested)[:MAX_POSITIVES], model)
    if negatives.shape[1] != dim:
        negatives = np.zeros((0, dim), np.float32)
    return Taste(
        positive_ids=own,
        positive_vectors=vectors,
        positive_words=words if words.shape[0] else sp.csr_matrix((0, words.shape[1])),
        negative_vectors=negatives,
        follow_authors=frozenset(found.follow_authors),
        follow_categories=frozenset(found.follow_categories),
        titles=titles | _titles(conn, [p for p in vector_ids if p not in titles][:50]),
        positive_vector_ids=vector_ids,
        sources={pid: "saved" for pid in own} | {pid: "author" for pid in authors_papers},
    )


def _titles(conn: Connection, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(conn.execute(select(papers.c.id, papers.c.title).where(papers.c.id.in_(ids))).all())


def _followed_authors_papers(pool: Candidates, names: set[str], own: set[int]) -> list[int]:
    """The candidates by followed authors (newest first): they join the content profile, so
    that work like theirs comes up too (read from the pool: no scan of every paper)."""
    if not names:
        return []
    rows = [
        i
        for i, authors in enumerate(pool.pool.authors)
        if authors & names and int(pool.pool.ids[i]) not in own
    ]
    rows.sort(key=lambda i: (-int(pool.days[i]), -int(pool.pool.ids[i])))
    return [int(pool.pool.ids[i]) for i in rows[:AUTHOR_PAPERS]]


def allowed_by_mutes(pool: Candidates, found: signals_.Signals) -> np.ndarray:
    """False for every candidate a mute or "not interested" keeps out of the feed."""
    candidates = pool.pool
    allowed = np.ones(len(candidates), bool)
    for keyword in found.mute_keywords:
        allowed &= ~pool.containing(keyword)
    gone = [candidates.row[p] for p in found.not_interested if p in candidates.row]
    allowed[gone] = False
    if found.mute_authors or found.mute_categories:
        for i in np.flatnonzero(allowed).tolist():
            if (candidates.authors[i] & found.mute_authors) or (
                candidates.categories[i] & found.mute_categories
            ):
                allowed[i] = False
    return allowed


def _upvotes(conn: Connection, pool: Candidates) -> np.ndarray:
    ids = pool.pool.ids.tolist()
    counts: dict[int, int] = {}
    if ids:
        query = select(votes.c.paper_id, func.count()).where(votes.c.paper_id.in_(ids))
        counts = {pid: n for pid, n in conn.execute(query.group_by(votes.c.paper_id))}
    return np.fromiter((counts.get(p, 0) for p in ids), np.float64, len(ids))


def explain(pool: Candidates, taste: Taste, ranked: Ranked, cosaves: CoSaves | None) -> list[Pick]:
    """Each pick with the reasons that put it there, strongest first."""
    candidates = pool.pool
    readers = (
        cosaves.shared_readers(taste.positive_ids, candidates.ids[ranked.rows])
        if (cosaves is not None and taste.positive_ids and len(ranked.rows))
        else [(0, None)] * len(ranked.rows)
    )
    near = _nearest(taste, candidates.vectors[ranked.rows], candidates.ids[ranked.rows])
    picks = []
    for n, row in enumerate(ranked.rows.tolist()):
        reasons = []
        by = sorted(candidates.authors[row] & taste.follow_authors)
        if by:
            reasons.append(f"by {', '.join(by[:2])}, whom you follow")
        count, via = readers[n]
        if count >= 2 and via is not None:
            reasons.append(
                f"readers who saved “{short_title(taste.titles.get(via, ''))}” also saved this"
            )
        like, sim = near[n]
        if like is not None and sim >= LIKE_THRESHOLD and like in taste.titles:
            verb = "by an author you follow" if taste.sources.get(like) == "author" else "you saved"
            reasons.append(f"like “{short_title(taste.titles[like])}” {verb}")
        words = shared_words(candidates, taste, row)
        if words:
            reasons.append("words: " + ", ".join(words))
        cats = sorted(candidates.categories[row] & taste.follow_categories)
        if cats:
            reasons.append(f"in {', '.join(cats[:2])}, which you follow")
        if not reasons:
            reasons.append("popular in this window" if taste.cold else "close to your papers")
        picks.append(Pick(int(candidates.ids[row]), float(ranked.scores[n]), reasons))
    return picks


def _nearest(
    taste: Taste, vectors: np.ndarray, pick_ids: np.ndarray
) -> list[tuple[int | None, float]]:
    """Per pick, the member's paper most like it (never the pick itself) and the cosine."""
    if not len(taste.positive_vectors) or not len(vectors):
        return [(None, 0.0)] * len(vectors)
    sims = taste.positive_vectors @ vectors.T  # positives × picks
    sims[np.asarray(taste.positive_vector_ids)[:, None] == pick_ids[None, :]] = -1.0
    best = sims.argmax(axis=0)
    out: list[tuple[int | None, float]] = []
    for j, i in enumerate(best.tolist()):
        has = bool(np.abs(vectors[j]).sum())
        out.append((taste.positive_vector_ids[i], float(sims[i, j])) if has else (None, 0.0))
    return out
