"""Keeping the derived search indexes up to date with the papers table, and rebuilding them.

Keyword index: follows the search_outbox change sequence (a row with every paper written)
with its own cursor, kept in the index folder and saved after each Tantivy commit (a crash
in between re-indexes a few papers: delete-then-add by id, harmless). Nothing is consumed:
every host's index follows the same sequence; old rows are pruned below a horizon, and an
index behind it (or new and empty) is rebuilt from the papers table. Embeddings: papers
without a current embedding for the model are encoded in batches, one transaction per
batch; the vector index then takes every embedding row newer than the last one it holds.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from sqlalchemy import Connection, Engine, Table, delete, func, insert, select

from paperfeed.db.engine import in_sequence, insert_for, reader
from paperfeed.ingest.progress import Reporter, Silent
from paperfeed.papers.models import Paper
from paperfeed.papers.storage import storage_for
from paperfeed.search.embedder import Embedder, embedder_for, from_bytes, paper_text, to_bytes
from paperfeed.search.keyword import KeywordIndex, docs_from_rows
from paperfeed.search.models import OutboxHorizon, PaperEmbedding, SearchOutbox
from paperfeed.search.vectors import VectorStore, add_vectors, new_index

if TYPE_CHECKING:
    from paperfeed.config import Settings

log = logging.getLogger(__name__)

OUTBOX_BATCH = 5000
COMMIT_EVERY = 100_000
READ_BATCH = 5000
EMBED_CHUNK = 256  # texts per encode call (the model sorts them by length inside)
VOCABULARY_FLUSH = 500_000  # distinct words held in memory while rebuilding
PUBLISH_EVERY = 60.0  # seconds between vector-index updates during a long embedding run
# The keyword pass reads papers through the driver, as stored (authors as JSON text on
# SQLite, decoded by orjson in docs_from_rows): through SQLAlchemy's typed columns the read
# cost 18 us a paper (its JSON type decodes with the json module), 3-4 us this way (timed
# by hand on 30k papers; the bench's figure is the whole pass, `search_speed.py --import-only`).
_KEYWORD_ROWS = "SELECT id, title, abstract, authors, categories, feed_date FROM papers"


def keyword_path(settings: Settings) -> Path:
    return settings.data_dir / "index" / "keyword"


def vectors_path(settings: Settings) -> Path:
    return settings.data_dir / "index" / "vectors"


# -- keyword index -----------------------------------------------------------------------
HORIZON = cast(Table, OutboxHorizon.__table__)
OUTBOX_RETAIN = 1_000_000  # outbox rows kept: a host further behind rebuilds its index


def outbox_pending(engine: Engine, after: int = 0) -> int:
    with reader(engine).connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(SearchOutbox).where(SearchOutbox.seq > after)
            ).scalar_one()
        )


def must_rebuild(engine: Engine, index: KeywordIndex) -> bool:
    """Whether the index cannot catch up through the outbox: found damaged; new or wiped
    (empty, no cursor) while papers exist; or behind the pruned horizon."""
    if index.needs_rebuild:
        return True
    cursor = index.cursor()
    with reader(engine).connect() as conn:
        if cursor is None:
            return (
                index.num_docs() == 0
                and conn.execute(select(Paper.id).limit(1)).first() is not None
            )
        horizon = conn.execute(select(OutboxHorizon.pruned_through)).scalar() or 0
    return cursor < horizon


def sync_keyword(
    engine: Engine, index: KeywordIndex, *, wait: float = 0.0, reporter: Reporter | None = None
) -> int:
    """Index every paper written since the index's cursor; returns how many. Raises
    IndexBusy when another process holds the writer for longer than `wait` seconds."""
    reporter = reporter or Silent()
    if must_rebuild(engine, index):
        return rebuild_keyword(engine, index, reporter)
    recorded = index.cursor()
    cursor = recorded or 0  # none and not empty: made before cursors, the rows left
    pending = outbox_pending(engine, cursor)
    if not pending:
        if recorded is None:
            index.save_cursor(0)  # nothing to catch up: follow from here
        return 0
    writer = index.writer(wait)
    cursor = index.cursor() or 0  # another process may have moved it while we waited
    index.vocabulary.discard()  # anything counted by a pass that failed before its commit
    done = 0
    fresh = index.num_docs() == 0  # nothing to replace, except what this pass adds twice
    seen: set[int] = set()
    last_seq = committed_seq = cursor
    reporter.start("keyword index", pending)
    try:
        while True:
            with reader(engine).connect() as conn:
                queued = conn.execute(
                    select(SearchOutbox.seq, SearchOutbox.arxiv_id)
                    .where(SearchOutbox.seq > last_seq)
                    .order_by(SearchOutbox.seq)
                    .limit(OUTBOX_BATCH)
                ).all()
                if not queued:
                    break
                rows = _rows_of(conn, sorted({r.arxiv_id for r in queued}))
            docs = docs_from_rows(rows)
            index.add(writer, docs, replace=seen if fresh else True)
            seen.update(d.id for d in docs)
            last_seq = queued[-1].seq
            done += len(queued)
            reporter.advance(len(queued), records=len(queued))
            if done % COMMIT_EVERY < OUTBOX_BATCH:  # a commit costs a segment flush
                _commit(index, writer, last_seq)
                committed_seq = last_seq
        if last_seq != committed_seq:
            _commit(index, writer, last_seq)
        writer.wait_merging_threads()
    finally:
        reporter.stop()
    return done


def _commit(index: KeywordIndex, writer: Any, last_seq: int) -> None:
    """The index first, then its cursor: a crash in between re-indexes, never skips."""
    index.commit(writer)
    index.save_cursor(last_seq)


def prune_outbox(engine: Engine, retain: int = OUTBOX_RETAIN) -> int:
    """Forget outbox rows older than the newest `retain` (the worker, now and then); the
    horizon moves first, in the same transaction. Returns the rows removed."""
    with engine.begin() as conn:
        newest = conn.execute(select(func.max(SearchOutbox.seq))).scalar() or 0
        horizon = newest - retain
        pruned = conn.execute(select(OutboxHorizon.pruned_through)).scalar() or 0
        if horizon <= pruned:
            return 0
        mark = insert_for(conn, HORIZON).values(id=1, pruned_through=horizon)
        conn.execute(  # an upsert: the row may be gone (restored dumps, a test's TRUNCATE)
            mark.on_conflict_do_update(index_elements=["id"], set_={"pruned_through": horizon})
        )
        gone = conn.execute(delete(SearchOutbox).where(SearchOutbox.seq <= horizon))
        return int(gone.rowcount or 0)


def rebuild_keyword(engine: Engine, index: KeywordIndex, reporter: Reporter | None = None) -> int:
    """Empty the keyword index and index every paper again."""
    reporter = reporter or Silent()
    writer = index.writer(wait=30)
    with reader(engine).connect() as conn:  # read first: papers written later come after it
        last_seq = conn.execute(select(func.max(SearchOutbox.seq))).scalar() or 0
        total = conn.execute(select(func.count()).select_from(Paper)).scalar_one()
    writer.delete_all_documents()
    index.vocabulary.reset()
    reporter.start("keyword index", total)
    done = 0
    try:
        for rows in _papers_in_batches(engine):
            done += index.add(writer, docs_from_rows(rows), replace=False)
            reporter.advance(len(rows), records=len(rows))
            if len(index.vocabulary.pending) > VOCABULARY_FLUSH:
                index.vocabulary.flush()  # counts ahead of the index: harmless, bounded memory
        index.commit(writer)
        writer.wait_merging_threads()
    finally:
        reporter.stop()
    index.save_cursor(last_seq)
    index.rebuilt()
    return done


def _rows_of(conn: Connection, arxiv_ids: list[str]) -> list[Any]:
    marks = ", ".join([storage_for(conn.dialect.name).mark] * len(arxiv_ids))
    sql = f"{_KEYWORD_ROWS} WHERE arxiv_id IN ({marks})"
    return list(conn.exec_driver_sql(sql, tuple(arxiv_ids)).all())


def _papers_in_batches(engine: Engine) -> Iterator[list[Any]]:
    last = 0
    while True:
        with reader(engine).connect() as conn:
            mark = storage_for(conn.dialect.name).mark
            sql = f"{_KEYWORD_ROWS} WHERE id > {mark} ORDER BY id LIMIT {READ_BATCH}"
            rows = list(conn.exec_driver_sql(sql, (last,)).all())
        if not rows:
            return
        yield rows
        last = rows[-1][0]


# -- embeddings --------------------------------------------------------------------------
@dataclass
class EmbedResult:
    embedded: int = 0
    indexed: int = 0
    seconds: float = 0.0
    busy: bool = False  # another process is embedding for this data folder: nothing done


def _single_embedder(settings: Settings) -> AbstractContextManager[bool]:
    """One embedding process per data folder (they share the vector index file)."""
    return host_lock(vectors_path(settings))


@contextmanager
def host_lock(folder: Path) -> Iterator[bool]:
    """Whether this process may write the vector index in `folder` now (no other process of
    this host embedding or syncing it); never waits."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "embed.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def pending_embeddings(engine: Engine, model: str) -> int:
    with reader(engine).connect() as conn:
        return int(conn.execute(select(func.count()).select_from(_pending(model))).scalar_one())


def _pending(model: str) -> Any:
    e = PaperEmbedding
    return (
        select(Paper.id, Paper.title, Paper.abstract, Paper.content_hash)
        .outerjoin(e, (e.paper_id == Paper.id) & (e.model == model))
        .where((e.id.is_(None)) | (e.content_hash != Paper.content_hash))
        .subquery()
    )


def embed_pending(
    engine: Engine,
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    reporter: Reporter | None = None,
    limit: int | None = None,
) -> EmbedResult:
    """Embed papers that have no current embedding, then bring the vector index up to date."""
    reporter = reporter or Silent()
    result = EmbedResult()
    started = time.monotonic()
    with _single_embedder(settings) as alone:
        if not alone:
            result.busy = True
            return result
        model = settings.embedding_model
        total = pending_embeddings(engine, model)
        if limit is not None:
            total = min(total, limit)

        def publish() -> int:
            added = sync_vectors(engine, settings)
            result.indexed += added
            return added

        if total:
            embedder = embedder or embedder_for(settings)
            reporter.start(f"embed ({model})", total)
            try:
                result.embedded = _embed_batches(engine, embedder, total, reporter, publish)
            finally:
                reporter.stop()
        publish()
    result.seconds = time.monotonic() - started
    return result


def _embed_batches(
    engine: Engine,
    embedder: Embedder,
    total: int,
    reporter: Reporter,
    publish: Callable[[], int] | None = None,
) -> int:
    """Embed `total` pending papers in batches; `publish` (the vector index's update) runs
    after the first batch and then at least every PUBLISH_EVERY seconds, so that a running
    site searches by meaning from the first minutes of a long run, not only at its end."""
    done = 0
    published_at: float | None = None
    pending = _pending(embedder.name)
    while done < total:
        with reader(engine).connect() as conn:
            rows = conn.execute(
                select(pending).order_by(pending.c.id).limit(min(EMBED_CHUNK, total - done))
            ).all()
        if not rows:
            break
        vectors = embedder.encode([paper_text(r.title, r.abstract) for r in rows])
        now = datetime.now(UTC)
        with engine.begin() as conn:  # replace: a newer id marks the vector as new
            in_sequence(conn, "paper_embeddings")
            conn.execute(
                delete(PaperEmbedding).where(
                    PaperEmbedding.model == embedder.name,
                    PaperEmbedding.paper_id.in_([r.id for r in rows]),
                )
            )
            conn.execute(
                insert(PaperEmbedding),
                [
                    {
                        "paper_id": r.id,
                        "model": embedder.name,
                        "content_hash": r.content_hash,
                        "vector": to_bytes(v),
                        "created_at": now,
                    }
                    for r, v in zip(rows, vectors, strict=True)
                ],
            )
        done += len(rows)
        reporter.advance(len(rows), records=len(rows))
        now_s = time.monotonic()
        if publish is not None and (published_at is None or now_s - published_at >= PUBLISH_EVERY):
            publish()
            published_at = time.monotonic()
    return done


def sync_vectors(engine: Engine, settings: Settings, *, rebuild: bool = False) -> int:
    """Add every embedding newer than the index's last one; rebuild: start from empty."""
    store = VectorStore(vectors_path(settings), settings.embedding_model)
    model = settings.embedding_model
    with reader(engine).connect() as conn:
        newest = conn.execute(
            select(func.max(PaperEmbedding.id)).where(PaperEmbedding.model == model)
        ).scalar()
    last_id = 0 if rebuild else store.state()["last_id"]
    if newest is None or newest <= last_id:
        # nothing new: the file is not opened (at 1M vectors, reading it to check it took
        # ~100 ms every few seconds in each serving process; its readers find damage)
        return 0
    damage = None if rebuild else store.damage()
    if damage is not None:
        log.warning("vector index %s is damaged (%s): rebuilt", store.file, damage)
        rebuild, last_id = True, 0
    index = None
    added = 0
    while True:
        with reader(engine).connect() as conn:
            rows = conn.execute(
                select(PaperEmbedding.id, PaperEmbedding.paper_id, PaperEmbedding.vector)
                .where(PaperEmbedding.model == model, PaperEmbedding.id > last_id)
                .order_by(PaperEmbedding.id)
                .limit(READ_BATCH * 4)
            ).all()
        if not rows:
            break
        vectors = np.stack([from_bytes(r.vector) for r in rows])
        if index is None:
            dim = vectors.shape[1]
            index = new_index(dim) if rebuild else store.load(dim)
        add_vectors(index, [r.paper_id for r in rows], vectors)
        added += len(rows)
        last_id = rows[-1].id
    if index is not None:
        store.save(index, last_id)
    return added
