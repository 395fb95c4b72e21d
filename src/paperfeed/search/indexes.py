"""The search indexes as one web process uses them: opened once, kept fresh, model loading
in the background (search answers on keywords until it is ready)."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, Select, func, select

from paperfeed.db.engine import reader
from paperfeed.papers.models import Paper
from paperfeed.search.embedder import Embedder, embedder_for
from paperfeed.search.indexing import (
    host_lock,
    keyword_path,
    must_rebuild,
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
INLINE_REBUILD = 20_000  # papers: a new host's index built before serving (~1 s), or after
FOLLOW_EVERY = 5.0  # seconds between a serving process's passes over the change sequences
SEARCH_REFRESH_EVERY = 1.0  # while following: seconds between two searches' own passes


def _queued(cursor: int) -> Select[int]:
    return select(SearchOutbox.seq).where(SearchOutbox.seq > cursor).limit(1)


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
        self._stop = threading.Event()
        self._behind_since: float | None = None  # when a pass first found papers to index
        self._followed_at = 0.0  # when a search last looked for new papers (while following)
        self._following = False

    def start(self) -> None:
        """On start-up: catch the keyword index up (rebuild it, in the background, if it was
        found damaged); rebuild a damaged vector index in the background; load the model
        if there are vectors."""
        if self.keyword.needs_rebuild or (
            must_rebuild(self.engine, self.keyword) and self._papers() > INLINE_REBUILD
        ):  # damaged; or a new host, or one behind the horizon, of a big site
            self._repair_in_background("keyword", self._rebuild_keyword)
        else:
            self.refresh(rebuild_here=True)  # a small site's new host: built before serving
        self.speller.get()  # built in the background
        if not self.settings.semantic_search:
            return
        if len(self.vectors):  # opening the index notes any damage (self.vectors.damage)
            self._load_in_background()
        elif self.vectors.damage:
            self._repair_in_background("vectors", self._rebuild_vectors)

    def _papers(self) -> int:
        with reader(self.engine).connect() as conn:
            return int(conn.execute(select(func.count()).select_from(Paper)).scalar_one())

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

    def refresh(self, conn: Connection | None = None, *, rebuild_here: bool = False) -> None:
        """Index papers written since the last pass (by any process), unless another
        process is writing the index right now (then it is that one's job).

        `conn`: the request's own connection, for the check (one indexed look-up; a
        connection of its own costs a pool checkout and a transaction on every search)."""
        cursor = self.keyword.cursor()
        queued: object = True  # no cursor yet: sync_keyword decides (a pass or a build)
        if cursor is not None and conn is not None:
            queued = conn.execute(_queued(cursor)).first()
        elif cursor is not None:
            with reader(self.engine).connect() as own:
                queued = own.execute(_queued(cursor)).first()
        if self.repairing("keyword"):
            return
        if self.keyword.needs_rebuild:  # found damaged (by this or another process)
            self._repair_in_background("keyword", self._rebuild_keyword)
            return
        if queued is None:
            self._behind_since = None
            return
        if self._behind_since is None:
            self._behind_since = time.monotonic()
        if not rebuild_here and must_rebuild(self.engine, self.keyword):
            # behind the pruned horizon while serving: never a whole build on a request
            self._repair_in_background("keyword", self._rebuild_keyword)
            return
        with self._lock:
            try:
                sync_keyword(self.engine, self.keyword)
                self._behind_since = None
            except IndexBusy:
                log.info("keyword index busy in another process; serving it as it is")

    # -- following the database (each host keeps its own indexes) -------------------------
    def refresh_for_search(self, conn: Connection) -> None:
        """What a search does first: `refresh`; while a follower runs (`paperfeed serve`),
        at most once a second per process (a paper just stored is still found within a
        second; a site answering hundreds of searches a second checks once, not hundreds
        of times)."""
        if self._following:
            now = time.monotonic()
            if now - self._followed_at < SEARCH_REFRESH_EVERY:
                return
            self._followed_at = now
        self.refresh(conn)

    def follow(self, every: float = FOLLOW_EVERY) -> None:
        """Keep this host's indexes current in the background: papers written by any process
        into the keyword index, embeddings made by any worker into the vector index."""
        self._following = True
        threading.Thread(target=self._follow, args=(every,), name="follow", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _follow(self, every: float) -> None:
        while not self._stop.wait(every):
            try:
                self.refresh()
                if self.settings.semantic_search and not self.repairing("vectors"):
                    with host_lock(vectors_path(self.settings)) as mine:
                        if mine:
                            sync_vectors(self.engine, self.settings)
                    if len(self.vectors) and self._embedder is None:
                        self._load_in_background()
            except Exception:  # the database away for a moment: the next pass tries again
                log.warning("following the database's changes failed", exc_info=True)

    def lag_seconds(self) -> float:
        """How long the keyword index has known of papers it does not hold yet (0: none)."""
        since = self._behind_since
        return 0.0 if since is None else time.monotonic() - since

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
        if self.repairing("keyword"):
            keyword = "building from the database (search answers from what it holds)"
        return {
            "keyword": keyword,
            "keyword_documents": self.keyword.num_docs(),
            "keyword_cursor": self.keyword.cursor(),
            "lag_seconds": round(self.lag_seconds(), 1),
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
