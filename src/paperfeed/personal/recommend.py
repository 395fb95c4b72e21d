"""The for-you ranking: pure functions over arrays, the same code for the site and the bench.

A paper's score for a member is

    score = z(readers) + 0.8 · z(content) + follows

- readers: what other members saved together with the member's papers (aggregate only),
  as a random walk member → paper → reader → paper (RP3β: walk probabilities raised to
  α = 0.6, a paper's popularity damped by β = 0.3);
- content: the paper's embedding against the member's papers (cosine to their centroid,
  plus the best of up to four cluster centres, so that a library with several topics is
  served in each), plus half of its words' tf-idf against the library's, minus half its
  likeness to papers marked "not interested";
- follows: +3 for a followed author's paper, +1 for a followed category;
- z(·): standardised over the candidates, so that parts with different units add up.

The constants were chosen on CiteULike-a with one seed and user sample (bench/recommend.py
--tune-seed) and are reported on another (docs/benchmarks.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

if TYPE_CHECKING:
    from numpy.typing import NDArray

ALPHA = 0.6
BETA = 0.3
CONTENT_WEIGHT = 0.8
WORDS_WEIGHT = 0.5
NEGATIVE_WEIGHT = 0.5
CLUSTERS = 4
FOLLOWED_AUTHOR = 3.0
FOLLOWED_CATEGORY = 1.0
LIKE_THRESHOLD = 0.45  # cosine above which "like X you saved" is a fair thing to say
WORD_PATTERN = r"(?u)\b[^\W\d_][^\W\d_-]*(?:-[^\W\d_]+)*\b"


def zscore(x: NDArray[np.float64]) -> NDArray[np.float64]:
    if not len(x):
        return x
    std = float(x.std())
    return (x - x.mean()) / std if std > 1e-12 else np.zeros_like(x)


def words_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        stop_words="english",
        min_df=2,
        max_df=0.5,
        sublinear_tf=True,
        token_pattern=WORD_PATTERN,
        dtype=np.float32,
    )


@dataclass
class Pool:
    """The candidates: papers with their embeddings (zero rows: not embedded yet) and words."""

    ids: NDArray[np.int64]
    vectors: NDArray[np.float32]
    words: sp.csr_matrix
    vectorizer: TfidfVectorizer
    authors: list[frozenset[str]] = field(default_factory=list)
    categories: list[frozenset[str]] = field(default_factory=list)
    row: dict[int, int] = field(default_factory=dict)
    word_names: NDArray[np.str_] | None = None  # the vectorizer's words, by column
    has_vector: NDArray[np.bool_] | None = None

    @classmethod
    def build(
        cls,
        ids: list[int],
        vectors: NDArray[np.float32],
        texts: list[str],
        authors: list[frozenset[str]] | None = None,
        categories: list[frozenset[str]] | None = None,
    ) -> Pool:
        vectorizer = words_vectorizer()
        try:
            words = sp.csr_matrix(vectorizer.fit_transform(texts))
        except ValueError:  # too few papers for min_df: no words side
            vectorizer = TfidfVectorizer(token_pattern=WORD_PATTERN, dtype=np.float32)
            words = sp.csr_matrix((len(ids), 0), dtype=np.float32)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        return cls(
            np.asarray(ids, dtype=np.int64),
            vectors,
            words,
            vectorizer,
            authors or [frozenset()] * len(ids),
            categories or [frozenset()] * len(ids),
            {pid: i for i, pid in enumerate(ids)},
            vectorizer.get_feature_names_out() if words.shape[1] else np.zeros(0, str),
            np.abs(vectors).sum(axis=1) > 0,
        )

    def __len__(self) -> int:
        return len(self.ids)

    def rows_by(self, what: str) -> dict[str, list[int]]:
        """Author name or category -> the pool rows that have it (built once per pool)."""
        key = f"_by_{what}"
        index: dict[str, list[int]] | None = self.__dict__.get(key)
        if index is None:
            index = {}
            for row, names in enumerate(getattr(self, what)):
                for name in names:
                    index.setdefault(name, []).append(row)
            self.__dict__[key] = index
        return index

    def words_of(self, texts: list[str]) -> sp.csr_matrix:
        if self.words.shape[1] == 0 or not texts:
            return sp.csr_matrix((len(texts), self.words.shape[1]), dtype=np.float32)
        return sp.csr_matrix(self.vectorizer.transform(texts))


@dataclass
class Taste:
    """One member's signals, as the ranking needs them."""

    positive_ids: list[int]
    positive_vectors: NDArray[np.float32]  # rows for the positives that have embeddings
    positive_words: sp.csr_matrix  # one row per positive with text
    negative_vectors: NDArray[np.float32]
    follow_authors: frozenset[str] = frozenset()
    follow_categories: frozenset[str] = frozenset()
    titles: dict[int, str] = field(default_factory=dict)  # positive id -> title, for reasons
    positive_vector_ids: list[int] = field(default_factory=list)
    sources: dict[int, str] = field(default_factory=dict)  # id -> "saved" | "author"

    @property
    def words_profile(self) -> NDArray[np.float64]:
        """The mean tf-idf row of the member's papers (computed once per taste)."""
        cached: NDArray[np.float64] | None = self.__dict__.get("_profile")
        if cached is None:
            cached = np.asarray(self.positive_words.mean(axis=0)).ravel()
            self.__dict__["_profile"] = cached
        return cached

    @property
    def cold(self) -> bool:
        return not self.positive_ids and not self.follow_authors and not self.follow_categories


class CoSaves:
    """Who saved what (members × papers), for the aggregate "readers also saved" part."""

    def __init__(self, pairs: list[tuple[int, int]]) -> None:
        members = sorted({u for u, _ in pairs})
        papers = sorted({p for _, p in pairs})
        self.member_index = {u: i for i, u in enumerate(members)}
        self.paper_index = {p: i for i, p in enumerate(papers)}
        self.paper_ids = np.asarray(papers, dtype=np.int64)
        rows = np.fromiter((self.member_index[u] for u, _ in pairs), np.int64, len(pairs))
        cols = np.fromiter((self.paper_index[p] for _, p in pairs), np.int64, len(pairs))
        saves = sp.csr_matrix(
            (np.ones(len(pairs), np.float32), (rows, cols)), shape=(len(members), len(papers))
        )
        saves.sum_duplicates()
        saves.data[:] = 1.0
        self.saved_by = sp.csr_matrix(saves.T)  # papers × members, 1 where saved
        self.popularity = np.asarray(saves.sum(axis=0)).ravel()
        library_size = np.asarray(saves.sum(axis=1)).ravel()
        # walk probabilities raised to alpha: member -> paper is 1/|library|, paper -> member
        # is 1/popularity; the end paper's popularity damped by beta
        self.to_paper = sp.csr_matrix(sp.diags(np.maximum(library_size, 1) ** -ALPHA) @ saves)
        self.to_member = sp.csr_matrix(sp.diags(np.maximum(self.popularity, 1) ** -ALPHA) @ saves.T)
        self.damping = np.maximum(self.popularity, 1) ** -BETA

    def _start(self, paper_ids: list[int]) -> NDArray[np.int64]:
        idx = [self.paper_index[p] for p in paper_ids if p in self.paper_index]
        return np.asarray(idx, dtype=np.int64)

    def scores(self, paper_ids: list[int], candidates: NDArray[np.int64]) -> NDArray[np.float64]:
        """The walk's arrival at each candidate, from the member's papers (0: never)."""
        start = self._start(paper_ids)
        out = np.zeros(len(candidates))
        if not len(start):
            return out
        through = np.asarray(self.to_member[start].sum(axis=0)).ravel()
        arrive = np.asarray(self.to_paper.T @ through).ravel() * self.damping
        cols = self._columns(candidates)
        known = cols >= 0
        out[known] = arrive[cols[known]]
        return out

    def _columns(self, candidates: NDArray[np.int64]) -> NDArray[np.int64]:
        """Each candidate's column here (-1: nobody saved it); the last pool's is kept."""
        last = self.__dict__.get("_last_columns")
        if last is not None and last[0] is candidates:
            cols: NDArray[np.int64] = last[1]
            return cols
        cols = np.fromiter(
            (self.paper_index.get(int(c), -1) for c in candidates), np.int64, len(candidates)
        )
        self.__dict__["_last_columns"] = (candidates, cols)
        return cols

    def shared_readers(
        self, paper_ids: list[int], candidates: NDArray[np.int64]
    ) -> list[tuple[int, int | None]]:
        """Per candidate: how many readers saved it and one of these papers, and which of
        these papers shares the most readers with it (None: none does)."""
        start = self._start(paper_ids)
        cols = [self.paper_index.get(int(c), -1) for c in candidates]
        out: list[tuple[int, int | None]] = [(0, None)] * len(cols)
        known = [j for j, c in enumerate(cols) if c >= 0]
        if not len(start) or not known:
            return out
        saved_by = self.saved_by
        picked = saved_by[[cols[j] for j in known]]  # candidates × members
        reach = np.asarray(saved_by[start].sum(axis=0)).ravel() > 0
        counts = np.asarray(picked @ reach.astype(np.float32)).ravel()
        shared = (saved_by[start] @ picked.T).toarray()  # member's papers × candidates
        for n, j in enumerate(known):
            best = int(shared[:, n].argmax())
            if shared[best, n] > 0:
                out[j] = (int(counts[n]), int(self.paper_ids[start[best]]))
        return out


@dataclass
class Ranked:
    rows: NDArray[np.int64]  # pool rows, best first
    scores: NDArray[np.float64]
    readers: NDArray[np.float64]  # the parts, per pool row, for reasons
    content: NDArray[np.float64]


def _clusters(vectors: NDArray[np.float32], k: int) -> NDArray[np.float32]:
    """Up to k cluster centres of the vectors (a few rounds of spherical k-means)."""
    if len(vectors) <= k:
        return vectors
    rng = np.random.default_rng(len(vectors))
    centres = vectors[rng.choice(len(vectors), k, replace=False)]
    for _ in range(5):
        nearest = np.argmax(vectors @ centres.T, axis=1)
        centres = np.stack(
            [
                vectors[nearest == j].mean(axis=0) if (nearest == j).any() else centres[j]
                for j in range(k)
            ]
        )
        centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    return centres.astype(np.float32)


def content_scores(pool: Pool, taste: Taste) -> NDArray[np.float64]:
    """Likeness of each candidate to the member's papers (0 everywhere: nothing to go on)."""
    total = np.zeros(len(pool))
    has_vector = pool.has_vector if pool.has_vector is not None else np.ones(len(pool), bool)
    if len(taste.positive_vectors):
        centroid = taste.positive_vectors.mean(axis=0)
        near = (pool.vectors @ centroid).astype(np.float64)
        best = (pool.vectors @ _clusters(taste.positive_vectors, CLUSTERS).T).max(axis=1)
        for part in (near, best.astype(np.float64)):
            if has_vector.any():
                part[~has_vector] = part[has_vector].mean()
            total += zscore(part)
    if taste.positive_words.shape[0] and pool.words.shape[1]:
        words = np.asarray(pool.words @ taste.words_profile, dtype=np.float64)
        total += WORDS_WEIGHT * zscore(words)
    if len(taste.negative_vectors):
        unlike = (pool.vectors @ taste.negative_vectors.T).max(axis=1).astype(np.float64)
        total -= NEGATIVE_WEIGHT * zscore(unlike)
    return total


def follow_scores(pool: Pool, taste: Taste) -> NDArray[np.float64]:
    out = np.zeros(len(pool))
    for weight, wanted, index in (
        (FOLLOWED_AUTHOR, taste.follow_authors, pool.rows_by("authors")),
        (FOLLOWED_CATEGORY, taste.follow_categories, pool.rows_by("categories")),
    ):
        rows = sorted({r for name in wanted for r in index.get(name, ())})
        out[rows] += weight
    return out


def rank(
    pool: Pool,
    taste: Taste,
    cosaves: CoSaves | None,
    allowed: NDArray[np.bool_] | None = None,
    prior: NDArray[np.float64] | None = None,
    limit: int = 50,
) -> Ranked:
    """The `limit` best candidates for this member among `allowed` (all when None), never
    one of their own papers. `prior`: a tie-breaker for a member with nothing to go on
    (the site passes the papers' upvotes)."""
    readers = cosaves.scores(taste.positive_ids, pool.ids) if cosaves else np.zeros(len(pool))
    content = content_scores(pool, taste)
    score = zscore(readers) + CONTENT_WEIGHT * zscore(content) + follow_scores(pool, taste)
    if prior is not None:
        score += 0.01 * zscore(prior)
    mask = np.ones(len(pool), bool) if allowed is None else allowed.copy()
    own = [pool.row[p] for p in taste.positive_ids if p in pool.row]
    mask[own] = False
    score = np.where(mask, score, -np.inf)
    k = min(limit, int(mask.sum()))
    if k <= 0:
        return Ranked(np.zeros(0, np.int64), np.zeros(0), readers, content)
    top = np.argpartition(-score, k - 1)[:k]
    top = top[np.lexsort((pool.ids[top], -score[top]))]
    return Ranked(top.astype(np.int64), score[top], readers, content)


def shared_words(pool: Pool, taste: Taste, row: int, n: int = 3) -> list[str]:
    """The words that most tie this candidate to the member's papers."""
    if not taste.positive_words.shape[0] or not pool.words.shape[1]:
        return []
    doc = pool.words[row]
    weights = doc.data * taste.words_profile[doc.indices]
    order = np.argsort(-weights)[:n]
    names = pool.word_names if pool.word_names is not None else np.zeros(0, str)
    return [str(names[doc.indices[i]]) for i in order if weights[i] > 0]


def nearest_positive(pool: Pool, taste: Taste, row: int) -> tuple[int | None, float]:
    """The member's paper most like this candidate, and the cosine."""
    if not len(taste.positive_vectors) or not np.abs(pool.vectors[row]).sum():
        return None, 0.0
    sims = taste.positive_vectors @ pool.vectors[row]
    best = int(np.argmax(sims))
    return taste.positive_vector_ids[best], float(sims[best])


_SPACES = re.compile(r"\s+")


def short_title(title: str, limit: int = 80) -> str:
    title = _SPACES.sub(" ", title).strip()
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
