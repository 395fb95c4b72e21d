"""The search indexes as one web process uses them: opened once, kept fresh, model loading
in the background (search answers on keywords until it is ready)."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, select

from paperfeed.db.engine import reader
from paperfeed.search.embedder import Embedder, embedder_for
from paperfeed.search.indexing import (
    keyword_path,
    rebuild_keyword,
    sync_keyword,
    sync_vectors,
    vectors_path,
)
from paperfeed.search.keyword import IndexBusy, KeywordIndex
from paperfeed.search.models import SearchOutbox
from paperfeed.search.speller import SpellerCache
from paperfeed.search.vectors import VectorReader, VectorStore

if TYPE_CHECKING:
    from paperfeed.config import Settings

log = logging.getLogger(__name__)
_QUEUED = select(SearchOutbox.seq).limit(1)


class SearchIndexes:
    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        self.keyword = KeywordIndex(keyword_path(settings))
        self.speller = SpellerCache(self.keyword.vocabulary)
        self.vectors = VectorReader(VectorStore(vectors_path(settings), settings.embedding_model))
        self._embedder: Embedder | None = None
        self._loading: threading.Thread | None = None
        self._lock = threading.Lock()
        self._repairs: dict[str, threading.Thread] = {}

    def start(self) -> None:
        """On start-up: catch the keyword index up (rebuild it, in the background, if it was
        found damaged); rebuild a damaged vector index in the background; load the model
        if there are vectors."""
        if self.keyword.needs_rebuild:
            self._repair_in_background("keyword", self._rebuild_keyword)
        else:
            self.refresh()
        self.speller.get()  # built in the background
        if not self.settings.semantic_search:
            return
        if len(self.vectors):  # opening the index notes any damage (self.vectors.damage)
            self._load_in_background()
        elif self.vectors.damage:
            self._repair_in_background("vectors", self._rebuild_vectors)

    def _repair_in_background(self, what: str, work: Callable[[], object]) -> None:
        thread = threading.Thread(target=work, name=f"rebuild-{what}", daemon=True)
        self._repairs[what] = thread
        thread.start()

    def _rebuild_keyword(self) -> None:
        with self._lock:
            try:
                rebuild_keyword(self.engine, self.keyword)
            except Exception:  # logged; the next start or worker pass tries again
                log.exception("rebuilding the damaged keyword index failed")

    def _rebuild_vectors(self) -> None:
        try:
            sync_vectors(self.engine, self.settings, rebuild=True)
        except Exception:
            log.exception("rebuilding the damaged vector index failed")

    def repairing(self, what: str) -> bool:
        thread = self._repairs.get(what)
        return thread is not None and thread.is_alive()

    def refresh(self, conn: Connection | None = None) -> None:
        """Index papers written since the last pass (by any process), unless another
        process is writing the index right now (then it is that one's job).

        `conn`: the request's own connection, for the check (one indexed look-up; a
        connection of its own costs a pool checkout and a transaction on every search)."""
        if conn is not None:
            queued = conn.execute(_QUEUED).first()
        else:
            with reader(self.engine).connect() as own:
                queued = own.execute(_QUEUED).first()
        if self.repairing("keyword"):
            return
        if self.keyword.needs_rebuild:  # found damaged (by this or another process)
            self._repair_in_background("keyword", self._rebuild_keyword)
            return
        if queued is None:
            return
        with self._lock:
            try:
                sync_keyword(self.engine, self.keyword)
            except IndexBusy:
                log.info("keyword index busy in another process; serving it as it is")

    def embedder(self, wait: bool = False) -> Embedder | None:
        """The query embedder, or None while it loads (or when semantic search is off)."""
        if not self.settings.semantic_search:
            return None
        if self._embedder is None:
            self._load_in_background()
            if wait and self._loading is not None:
                self._loading.join()
        return self._embedder

    def status(self) -> dict[str, object]:
        if not self.settings.semantic_search:
            semantic = "off"
        else:
            semantic = "ready" if self._embedder is not None else "loading"
            if not len(self.vectors):
                semantic = "no embeddings yet (paperfeed embed)"
        vectors = len(self.vectors)
        if self.vectors.damage:
            semantic = f"off: the vector index is damaged ({self.vectors.damage}); rebuilding"
        keyword = "ready"
        if self.keyword.needs_rebuild:
            keyword = "rebuilding: the index was damaged"
            keyword += f" ({self.keyword.damage})" if self.keyword.damage else ""
        return {
            "keyword": keyword,
            "keyword_documents": self.keyword.num_docs(),
            "vectors": vectors,
            "model": self.settings.embedding_model,
            "query_encoder": self._embedder.query_backend if self._embedder else None,
            "semantic": semantic,
            "speller": self.speller.status(),
        }

    def semantic_ready(self) -> bool:
        return len(self.vectors) > 0 and self.embedder() is not None

    def _load_in_background(self) -> None:
        with self._lock:
            if self._loading is not None:
                return
            self._loading = threading.Thread(target=self._load, name="embedder", daemon=True)
            self._loading.start()

    def _load(self) -> None:
        try:
            self._embedder = embedder_for(self.settings)
        except Exception:  # a wrong model name must not take search down
            log.exception("could not load the embedding model %s", self.settings.embedding_model)
            return
        # the model is hundreds of thousands of long-lived objects: out of the collector's
        # way, so that its full collections stop pausing requests
        gc.collect()
        gc.freeze()
