"""`paperfeed import`: stream a JSON-lines file (plain or .gz) into the database, resumably.

Lines are read in chunks; worker processes decode and normalise each chunk into rows
(ingest/chunks.py) while this process writes them, one transaction and one checkpoint
per chunk, in file order. Memory stays flat: only a few chunks are in flight.
"""

from __future__ import annotations

import ctypes
import gzip
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from paperfeed.ingest import checkpoints
from paperfeed.ingest.chunks import FORMATS, Chunk, ChunkResult, build_chunk
from paperfeed.ingest.progress import Reporter, Silent
from paperfeed.ingest.rejects import RejectLog
from paperfeed.ingest.summary import RunSummary
from paperfeed.papers.service import upsert_rows

__all__ = ["FORMATS", "import_file"]
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass
class _Position:
    offset: int = 0  # bytes of the file consumed (compressed bytes for .gz)
    line: int = 0


def default_jobs() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def import_file(
    engine: Engine,
    path: Path,
    *,
    rejects_dir: Path,
    batch_size: int = 2000,
    fmt: str = "auto",
    feed_date: date | None = None,
    jobs: int = 1,
    reporter: Reporter | None = None,
) -> RunSummary:
    """Import `path`; a run killed at any point resumes after its last committed chunk."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    reporter = reporter or Silent()
    path = path.resolve()
    stat = path.stat()
    key = f"import:{path}"
    identity = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    summary = RunSummary(kind=f"import {path.name}")
    start = _resume_point(engine, key, identity, summary)
    fallback = feed_date or _date_from_name(path) or datetime.now(UTC).date()
    log = RejectLog(rejects_dir, "import")
    chunks = _chunks(path, start, batch_size, fmt, fallback, engine.dialect.name)
    reporter.start(f"import {path.name}", stat.st_size)
    reporter.advance(start.offset)
    reported = start.offset
    try:
        for result in _built(chunks, jobs):
            _commit(engine, key, identity, result, summary, log)
            reporter.advance(result.end_offset - reported, records=result.seen)
            reported = result.end_offset
        _finish(engine, key, identity)
    finally:
        reporter.stop()
    summary.rejects_path = log.path if log.count else None
    summary.first_rejects = log.first
    if summary.stray:
        first = summary.stray[0]
        summary.notes.append(
            f"{len(summary.stray):,} papers kept with stray strings skipped from their "
            f"categories (not category names), e.g. {first.describe()}"
        )
    return summary


def _built(chunks: Iterator[Chunk], jobs: int) -> Iterator[ChunkResult]:
    """Chunk results in file order; built in `jobs` worker processes when jobs > 1."""
    if jobs <= 1:
        yield from map(build_chunk, chunks)
        return
    # spawn, not fork: the parent may run threads (a server, a stand-in) that fork would copy
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=mp.get_context("spawn"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        window: deque[Future[ChunkResult]] = deque()
        for chunk in chunks:
            window.append(pool.submit(build_chunk, chunk))
            if len(window) >= jobs * 2:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


def die_with_parent(parent: int) -> None:
    """In a parser process: end when the importing process ends, even by SIGKILL (the
    kernel's parent-death signal on Linux, and a watch on the parent's id everywhere)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it died before the signal was asked for
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _resume_point(
    engine: Engine, key: str, identity: dict[str, int], summary: RunSummary
) -> _Position:
    with engine.begin() as conn:
        state = checkpoints.load(conn, key)
    if state is None:
        return _Position()
    position, done = state
    if done or {k: position.get(k) for k in identity} != identity:
        return _Position()
    summary.resumed = True
    return _Position(position["offset"], position["line"])


def _chunks(
    path: Path, start: _Position, size: int, fmt: str, fallback: date, dialect: str
) -> Iterator[Chunk]:
    lines: list[bytes] = []
    first = start.line + 1
    offset = start.offset
    for lineno, raw, offset in _lines(path, start):
        lines.append(raw)
        if len(lines) >= size:
            yield Chunk(path.name, first, lines, offset, fmt, fallback, dialect)
            lines, first = [], lineno + 1
    if lines:
        yield Chunk(path.name, first, lines, offset, fmt, fallback, dialect)


def _lines(path: Path, start: _Position) -> Iterator[tuple[int, bytes, int]]:
    """Yield (line number, raw bytes, bytes consumed so far) from `start` on."""
    if path.suffix == ".gz":
        with path.open("rb") as raw_fh, gzip.open(raw_fh) as fh:
            for lineno, line in enumerate(fh, 1):
                if lineno > start.line:
                    yield lineno, line, raw_fh.tell()
        return
    with path.open("rb") as fh:
        fh.seek(start.offset)
        offset = start.offset
        for lineno, line in enumerate(fh, start.line + 1):
            offset += len(line)
            yield lineno, line, offset


def _commit(
    engine: Engine,
    key: str,
    identity: dict[str, int],
    result: ChunkResult,
    summary: RunSummary,
    log: RejectLog,
) -> None:
    with engine.begin() as conn:
        counts = upsert_rows(conn, result.rows)
        counts.rejected = len(result.rejects)
        position = {**identity, "offset": result.end_offset, "line": result.end_line}
        checkpoints.save(conn, key, position)
    summary.counts += counts
    log.write(result.rejects)  # after commit: a rolled-back chunk reports nothing
    summary.stray.extend(result.stray)


def _finish(engine: Engine, key: str, identity: dict[str, int]) -> None:
    with engine.begin() as conn:
        state = checkpoints.load(conn, key)
        position = state[0] if state else {**identity, "offset": 0, "line": 0}
        checkpoints.save(conn, key, position, done=True)


def _date_from_name(path: Path) -> date | None:
    stem = path.name.split(".")[0]
    try:
        return date.fromisoformat(stem)
    except ValueError:
        return None
