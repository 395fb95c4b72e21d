"""The keyword index: BM25 over a paper's text (title and abstract as one field), with the
title again at TITLE_WEIGHT, and authors; in Tantivy, kept in DATA_DIR.

A derived index: everything in it comes from the papers table and `paperfeed reindex`
rebuilds it from there (an index of an older layout is rebuilt on start). The ranking does
not depend on which database holds the papers.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import tantivy

from paperfeed.search.query import STOPWORDS, Query, required_phrases
from paperfeed.search.speller import KNOWN, Vocabulary

log = logging.getLogger(__name__)
REBUILD_MARKER = "REBUILD"  # in the index folder: found damaged, to be filled from the database
CURSOR_FILE = "cursor"  # in the index folder: the last search_outbox seq this index holds
# Title and abstract are one BM25 field, as plain BM25 scores a document; the title field
# is added at this weight (BM25F-like). Chosen on SciFact train, docs/search.md: separate
# title and abstract fields 0.677, one text field 0.700, plus the title at 0.1 0.706
# (0.05: 0.704, 0.2: 0.705, 0.5: 0.695, 1: 0.671)
TITLE_WEIGHT = 0.1
MAX_TERMS = 32  # words searched for: the most informative (rarest in the index) of the query
# a phrase in quotes is preferred, not required: its papers are ranked first (service.py)
TEXT_FIELDS = ["text", "title", "authors"]
WRITER_HEAP = 256 * 1024 * 1024
# A word in more than half of the papers has an inverse document frequency of zero or less
# in BM25's original (Robertson-Sparck Jones) weight, log((N - n + 0.5) / (n + 0.5)): it
# cannot tell papers apart, yet OR-ing it in makes the engine score most of the index.
# Such words are left out of relevance queries that have other words (never of phrases,
# never of date-sorted all-words queries), once the index is big enough for frequencies
# to mean something. A query made only of such words (and no phrase) is looked for in the
# titles, where words are rarer and say what a paper is about (1M papers, all bench
# queries: Tantivy p95 20 -> 8 ms; docs/search.md).
UBIQUITOUS_SHARE = 0.5
UBIQUITOUS_MIN_DOCS = 1000
_TOKEN = re.compile(r"\w+", re.UNICODE)
_EPOCH = date(1970, 1, 1)


class IndexBusy(Exception):
    """Another process is writing the keyword index."""


@dataclass(frozen=True)
class KeywordDoc:
    id: int
    title: str
    abstract: str
    authors: str
    categories: str
    feed_date: date


@dataclass
class KeywordHits:
    ids: list[int]
    total: int
    # papers that have every quoted phrase (ranked first), when the query has some
    preferred: set[int] = field(default_factory=set)


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_integer_field("id", stored=True, indexed=True, fast=True)
    b.add_text_field("title", tokenizer_name="en_stem")
    b.add_text_field("text", tokenizer_name="en_stem")  # title and abstract
    b.add_text_field("authors", tokenizer_name="default")
    b.add_text_field("category", tokenizer_name="raw", index_option="basic")
    b.add_integer_field("day", indexed=True, fast=True)
    return b.build()


def _stemmer() -> tantivy.TextAnalyzer:
    """Tantivy's en_stem analyzer, to look words up as the index holds them."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def day_number(day: date) -> int:
    return (day - _EPOCH).days


def _quoted(text: str) -> str:
    """Words only, so nothing the user typed reaches the query parser as syntax."""
    return " ".join(_TOKEN.findall(text.lower()))


class KeywordIndex:
    """One Tantivy index in a folder; many readers, one writer at a time (across processes)."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.schema = _schema()
        self.damage: str | None = None
        try:
            self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        except ValueError as exc:  # damaged files, or an older layout: set aside, rebuild
            self.damage = str(exc)
            if "schema does not match" in self.damage:
                self.damage = "made by an older paperfeed (its fields changed)"
            self.index = self._start_afresh()
        self.stemmer = _stemmer()
        self.vocabulary = Vocabulary(self.path)

    # -- damage --------------------------------------------------------------------------
    @property
    def rebuild_marker(self) -> Path:
        return self.path / REBUILD_MARKER

    @property
    def needs_rebuild(self) -> bool:
        """Whether the index was found damaged and replaced by an empty one, not yet
        filled again (a marker file: whichever process rebuilds it next clears it)."""
        return self.rebuild_marker.exists()

    def rebuilt(self) -> None:
        self.rebuild_marker.unlink(missing_ok=True)
        self.damage = None

    # -- the change sequence -------------------------------------------------------------
    def cursor(self) -> int | None:
        """The last outbox seq committed into this index (None: never recorded, as for a
        new host's empty index or one made before cursors)."""
        try:
            return int((self.path / CURSOR_FILE).read_text())
        except (OSError, ValueError):
            return None

    def save_cursor(self, seq: int) -> None:
        """Recorded after the index commit it follows (a crash in between re-indexes a few
        papers: harmless), atomically."""
        tmp = self.path / f"{CURSOR_FILE}.{os.getpid()}.tmp"
        tmp.write_text(str(seq))
        os.replace(tmp, self.path / CURSOR_FILE)

    def _start_afresh(self) -> tantivy.Index:
        log.warning(
            "keyword index at %s is damaged (%s): set aside, rebuilt", self.path, self.damage
        )
        aside = self.path.with_name(self.path.name + ".damaged")
        shutil.rmtree(aside, ignore_errors=True)
        os.replace(self.path, aside)
        self.path.mkdir(parents=True)
        self.rebuild_marker.write_text(self.damage or "damaged")
        return tantivy.Index(self.schema, path=str(self.path), reuse=True)

    # -- writing -------------------------------------------------------------------------
    def writer(self, wait: float = 0.0) -> tantivy.IndexWriter:
        """The index's writer; waits up to `wait` seconds while another process holds it."""
        deadline = time.monotonic() + wait
        while True:
            try:
                return self.index.writer(WRITER_HEAP, 0)
            except ValueError as exc:
                if "Lock" not in str(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexBusy(str(exc)) from exc
                time.sleep(0.2)

    def add(
        self,
        writer: tantivy.IndexWriter,
        docs: Iterable[KeywordDoc],
        replace: bool | set[int],
    ) -> int:
        """Add documents; `replace` deletes earlier copies first (all, or of these ids)."""
        n = 0
        for d in docs:
            if replace is True or (replace and d.id in replace):
                writer.delete_documents_by_term("id", d.id)
            doc = tantivy.Document()
            doc.add_integer("id", d.id)
            doc.add_text("title", d.title)
            doc.add_text("text", f"{d.title}\n{d.abstract}")
            self.vocabulary.count(d.title, d.abstract)
            doc.add_text("authors", d.authors)
            for cat in d.categories.split():
                doc.add_text("category", cat)
            doc.add_integer("day", day_number(d.feed_date))
            writer.add_document(doc)
            n += 1
        return n

    def commit(self, writer: tantivy.IndexWriter, *, fresh: bool = False) -> None:
        """Commit the writer, then add the committed papers' words to the vocabulary
        (fresh: the index was emptied, the vocabulary starts again)."""
        writer.commit()
        self.vocabulary.flush(reset=fresh)

    # -- reading -------------------------------------------------------------------------
    def num_docs(self) -> int:
        self.index.reload()
        return int(self.index.searcher().num_docs)

    def search(
        self, query: Query, *, limit: int, by_date: bool = False, offset: int = 0
    ) -> KeywordHits:
        """Ids of the best matches: words are OR-ed (BM25 ranks those with more of them first),
        phrases, authors and filters must match. by_date: all words must match, newest first.

        By relevance nothing is counted (counting every match would defeat Tantivy's
        block-max WAND, which skips the documents that cannot reach the top): `total` is
        then the number of hits, or `limit + 1` meaning "more than the limit"."""
        self.index.reload()
        searcher = self.index.searcher()
        if by_date:  # every word and phrase must match
            built = self.build(required_phrases(query), all_words=True, searcher=searcher)
            if built is None:
                return KeywordHits([], 0)
            kwargs: dict[str, Any] = {"order_by_field": "day", "count": True}
            result = searcher.search(built, limit=limit, offset=offset, **kwargs)
            return KeywordHits(self._ids(searcher, result), int(getattr(result, "count", 0) or 0))
        relaxed = replace(query, phrases=[], words=[*query.phrases, *query.words])
        built = self.build(relaxed, searcher=searcher)
        if built is None:
            return KeywordHits([], 0)
        ids = self._ids(searcher, searcher.search(built, limit=limit + offset))
        preferred: set[int] = set()
        if query.phrases:  # papers with the phrases first, then the rest
            with_phrases = self.build(required_phrases(query), searcher=searcher)
            if with_phrases is not None:
                first = self._ids(searcher, searcher.search(with_phrases, limit=limit + offset))
                preferred = set(first)
                ids = first + [i for i in ids if i not in preferred]
        ids = ids[offset : offset + limit]
        return KeywordHits(ids, offset + len(ids) + (1 if len(ids) == limit else 0), preferred)

    @staticmethod
    def _ids(searcher: tantivy.Searcher, result: Any) -> list[int]:
        addresses = [a for _key, a in result.hits]
        return [  # the id's fast column: no stored document is read
            int(v) if v is not None else int(searcher.doc(a)["id"][0])
            for v, a in zip(searcher.fast_field_values("id", addresses), addresses, strict=True)
        ]

    def similar(
        self, *, title: str, abstract: str, category: str | None, exclude: int, limit: int
    ) -> list[int]:
        """Ids of the papers most like this text in words (Tantivy's more-like-this over
        title and abstract: its most distinctive terms, BM25), in `category` when given."""
        self.index.reload()
        searcher = self.index.searcher()
        total = int(searcher.num_docs)
        if total == 0:
            return []
        like = tantivy.Query.more_like_this_document_fields_query(
            self.schema,
            {"text": [f"{title}\n{abstract}"]},
            min_doc_frequency=1,
            max_doc_frequency=(
                int(total * UBIQUITOUS_SHARE) if total >= UBIQUITOUS_MIN_DOCS else None
            ),
            min_term_frequency=1,
            max_query_terms=25,
            min_word_length=3,
            stop_words=sorted(STOPWORDS),
        )
        parts = [
            (tantivy.Occur.Must, like),
            (tantivy.Occur.MustNot, tantivy.Query.term_query(self.schema, "id", exclude)),
        ]
        if category:
            by_category = tantivy.Query.term_query(self.schema, "category", category)
            parts.append((tantivy.Occur.Must, self._filter(by_category)))
        result = searcher.search(tantivy.Query.boolean_query(parts), limit=limit)
        addresses = [a for _score, a in result.hits]
        return [int(v) for v in searcher.fast_field_values("id", addresses) if v is not None]

    def build(
        self,
        query: Query,
        *,
        all_words: bool = False,
        searcher: tantivy.Searcher | None = None,
    ) -> tantivy.Query | None:
        """The Tantivy query for a parsed paperfeed query (None: nothing to look for).

        Required phrases must match; words are OR-ed (all_words: each must match). Soft
        phrases are the caller's (`search`)."""
        must: list[tantivy.Query] = []
        words = " ".join(_quoted(w) for w in [*query.words, *query.typed]).split()
        content = [w for w in words if w not in STOPWORDS]
        in_titles = False
        if content and not all_words:  # function words would match nearly everything
            words = content
            if searcher is not None:
                words = self.informative(words, searcher)
                if not query.required:
                    words, in_titles = self.distinctive(words, searcher)
        text_parts = [f'+"{p}"' for p in (_quoted(x) for x in query.required) if p]
        text_parts += [f"+{w}" if all_words else f"title:{w}" if in_titles else w for w in words]
        if text_parts:
            must.append(
                self.index.parse_query(
                    " ".join(text_parts), TEXT_FIELDS, field_boosts={"title": TITLE_WEIGHT}
                )
            )
        for author in query.authors:
            tokens = _quoted(author)
            if tokens:
                must.append(self._filter(self.index.parse_query(f'authors:"{tokens}"')))
        if query.categories:
            cats = [
                (tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "category", c))
                for c in query.categories
            ]
            must.append(self._filter(tantivy.Query.boolean_query(cats)))
        if query.since or query.until:
            must.append(
                tantivy.Query.range_query(
                    self.schema,
                    "day",
                    tantivy.FieldType.Integer,
                    day_number(query.since) if query.since else None,
                    day_number(query.until) if query.until else None,
                )
            )
        if not must or not (text_parts or query.authors):
            return None
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in must])

    def informative(self, words: list[str], searcher: tantivy.Searcher) -> list[str]:
        """At most MAX_TERMS words: the rarest in the index, in the query's order."""
        if len(words) <= MAX_TERMS:
            return words
        freq = {w: self._doc_freq(w, searcher) for w in set(words)}
        kept = set(sorted(freq, key=lambda w: (freq[w], w))[:MAX_TERMS])
        return [w for w in words if w in kept][:MAX_TERMS]

    def distinctive(self, words: list[str], searcher: tantivy.Searcher) -> tuple[list[str], bool]:
        """The words to look for, and whether in the titles only.

        Words in more than UBIQUITOUS_SHARE of the papers are left out when others remain.
        If every word is that common, the words are looked for in titles: those in at most
        that share of the titles (the rarest there if none is), none that no title has;
        as typed if no title has any of them."""
        total = int(searcher.num_docs)
        if total < UBIQUITOUS_MIN_DOCS:
            return words, False
        limit = total * UBIQUITOUS_SHARE
        kept = [w for w in words if self._doc_freq(w, searcher) <= limit]
        if kept:
            return kept, False
        in_titles = {w: self._doc_freq(w, searcher, ("title",)) for w in words}
        ranked = sorted((df, w) for w, df in in_titles.items() if df > 0)
        if not ranked:  # in no title at all: searched as typed
            return words, False
        return [w for df, w in ranked if df <= limit] or [w for _, w in ranked[:1]], True

    def knows(self, word: str) -> bool:
        """Whether KNOWN or more papers have the word's stem (it is not misspelt)."""
        self.index.reload()
        return self._doc_freq(word, self.index.searcher()) >= KNOWN

    def _doc_freq(
        self, word: str, searcher: tantivy.Searcher, fields: Sequence[str] = ("text",)
    ) -> int:
        stems = self.stemmer.analyze(word)
        if not stems:
            return 0
        return max(int(searcher.doc_freq(f, stems[0])) for f in fields)

    @staticmethod
    def _filter(q: tantivy.Query) -> tantivy.Query:
        return tantivy.Query.const_score_query(q, 0.0)


def docs_from_rows(rows: Sequence[Any]) -> list[KeywordDoc]:
    """KeywordDocs from (id, title, abstract, authors, categories, feed_date) rows."""
    out = []
    for r in rows:
        authors = r[3]
        if isinstance(authors, str | bytes):
            authors = orjson.loads(authors)
        names = "; ".join(a.get("name", "") for a in authors or [])
        feed = r[5] if isinstance(r[5], date) else date.fromisoformat(str(r[5]))
        out.append(KeywordDoc(int(r[0]), r[1] or "", r[2] or "", names, r[4] or "", feed))
    return out
