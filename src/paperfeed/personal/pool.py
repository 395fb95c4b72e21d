"""The for-you candidates: the last month's papers with their embeddings and words, kept
per process and rebuilt when the month's papers, submissions or embeddings change."""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

import numpy as np
from sqlalchemy import Connection, Engine, Table, and_, func, or_, select

from paperfeed.community.models import Submission
from paperfeed.papers.queries import papers
from paperfeed.personal.recommend import Pool
from paperfeed.search.embedder import paper_text
from paperfeed.search.models import PaperEmbedding

log = logging.getLogger(__name__)
WINDOW_DAYS = {"day": 1, "week": 7, "month": 30}
MAX_PHRASES = 4096  # muted keywords whose matches a pool keeps
SYNC_BUILD_MAX = 2000  # fewer candidates than this: a stale pool is rebuilt in the request
submissions = cast(Table, Submission.__table__)
embeddings = cast(Table, PaperEmbedding.__table__)


@dataclass
class Candidates:
    """A pool with what the feed needs besides the ranking: each paper's list day, and its
    text for muted keywords (one string, searched once per keyword and pool)."""

    pool: Pool
    days: np.ndarray  # date ordinals, per pool row
    text: str  # lower-cased titles and abstracts, one line per pool row
    end: date
    key: tuple[Any, ...]
    starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    _phrases: dict[str, np.ndarray] = field(default_factory=dict)

    def window(self, name: str) -> np.ndarray:
        start = self.end - timedelta(days=WINDOW_DAYS[name] - 1)
        return self.days >= start.toordinal()

    def containing(self, phrase: str) -> np.ndarray:
        """Which candidates have this word or phrase (whole words, any case)."""
        found = self._phrases.get(phrase)
        if found is None:
            found = np.zeros(len(self.pool), bool)
            pattern = re.compile(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)")
            at = [m.start() for m in pattern.finditer(self.text)]
            if at:
                found[np.searchsorted(self.starts, np.asarray(at), side="right") - 1] = True
            if len(self._phrases) > MAX_PHRASES:
                self._phrases.clear()
            self._phrases[phrase] = found
        return found


def _in_window(start: date, end: date) -> Any:
    return or_(
        and_(submissions.c.submitted_on.is_(None), papers.c.feed_date.between(start, end)),
        submissions.c.submitted_on.between(start, end),
    )


def pool_key(conn: Connection, end: date, model: str) -> tuple[Any, ...]:
    """What the pool depends on, in three counts the indexes answer: the month's papers (by
    feed day) and submissions (by day), and the newest embedding of any model."""
    start = end - timedelta(days=WINDOW_DAYS["month"] - 1)
    listed = conn.execute(
        select(func.count()).where(papers.c.feed_date.between(start, end))
    ).scalar_one()
    submitted = conn.execute(
        select(func.count()).where(submissions.c.submitted_on.between(start, end))
    ).scalar_one()
    # a paper's new version gets a new embedding: the newest embedding id tells of it
    newest_vector = conn.execute(select(func.max(embeddings.c.id))).scalar_one()
    return (end, model, listed + submitted, submitted, newest_vector)


def build_candidates(conn: Connection, end: date, model: str, key: tuple[Any, ...]) -> Candidates:
    start = end - timedelta(days=WINDOW_DAYS["month"] - 1)
    listed = func.coalesce(submissions.c.submitted_on, papers.c.feed_date)
    rows = conn.execute(
        select(
            papers.c.id,
            papers.c.title,
            papers.c.abstract,
            papers.c.authors,
            papers.c.categories,
            listed.label("day"),
        )
        .select_from(papers.outerjoin(submissions, submissions.c.paper_id == papers.c.id))
        .where(_in_window(start, end))
        .order_by(papers.c.id)
    ).all()
    ids = [r.id for r in rows]
    row_of = {pid: i for i, pid in enumerate(ids)}
    vectors = np.zeros((len(ids), 0), np.float32)
    found = conn.execute(
        select(embeddings.c.paper_id, embeddings.c.vector)
        .join(papers, papers.c.id == embeddings.c.paper_id)
        .outerjoin(submissions, submissions.c.paper_id == papers.c.id)
        .where(embeddings.c.model == model, _in_window(start, end))
    ).all()
    for paper_id, blob in found:
        vector = np.frombuffer(blob, dtype="<f4")
        if vectors.shape[1] == 0:
            vectors = np.zeros((len(ids), len(vector)), np.float32)
        if len(vector) == vectors.shape[1]:
            vectors[row_of[paper_id]] = vector
    texts = [paper_text(r.title, r.abstract or "") for r in rows]
    pool = Pool.build(
        ids,
        vectors if vectors.shape[1] else np.zeros((len(ids), 1), np.float32),
        texts,
        authors=[frozenset(a.get("name", "") for a in r.authors or []) for r in rows],
        categories=[frozenset((r.categories or "").split()) for r in rows],
    )
    days = np.fromiter((_ordinal(r.day) for r in rows), np.int64, len(rows))
    lines = [" ".join(t.lower().split()) for t in texts]
    starts = np.cumsum([0] + [len(line) + 1 for line in lines[:-1]]).astype(np.int64)
    return Candidates(pool, days, "\n".join(lines), end, key, starts)


def _ordinal(value: Any) -> int:
    return (value if isinstance(value, date) else date.fromisoformat(str(value)[:10])).toordinal()


class CandidateCache:
    """The current pool of one process; a stale large pool keeps serving while a thread
    builds its successor (a new harvest costs one rebuild, never a slow page)."""

    def __init__(self, engine: Engine, model: str) -> None:
        self.engine = engine
        self.model = model
        self._current: Candidates | None = None
        self._lock = threading.Lock()
        self._building = False

    def get(self, conn: Connection, end: date) -> Candidates:
        key = pool_key(conn, end, self.model)
        current = self._current
        if current is not None and current.key == key:
            return current
        if current is None or key[2] < SYNC_BUILD_MAX:
            return self._build(conn, end, key)
        self._rebuild_in_background(end, key)
        return current

    def _build(self, conn: Connection, end: date, key: tuple[Any, ...]) -> Candidates:
        started = time.perf_counter()
        built = build_candidates(conn, end, self.model, key)
        self._current = built
        log.info(
            "for-you pool: %d papers in %.2f s", len(built.pool), time.perf_counter() - started
        )
        return built

    def _rebuild_in_background(self, end: date, key: tuple[Any, ...]) -> None:
        with self._lock:
            if self._building:
                return
            self._building = True

        def work() -> None:
            try:
                with self.engine.connect() as conn:
                    self._build(conn, end, key)
            except Exception:  # the old pool keeps serving; the next request tries again
                log.exception("for-you pool rebuild failed")
            finally:
                self._building = False

        threading.Thread(target=work, name="for-you-pool", daemon=True).start()
