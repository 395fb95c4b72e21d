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
from paperfeed.sources.normalize import count_tex_warnings

__all__ = ["FORMATS", "import_file", "import_files"]
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
# Files smaller than this are parsed in this process: starting parser processes costs
# about a second, more than such a file takes to parse (a day of cs.*: ~1 MB, ~250 papers).
SMALL_FILE = 8 * 1024 * 1024


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
    _tell(summary)
    return summary


def _tell(summary: RunSummary) -> None:
    if summary.stray:
        first = summary.stray[0]
        summary.notes.append(
            f"{len(summary.stray):,} papers kept with stray strings skipped from their "
            f"categories (not category names), e.g. {first.describe()}"
        )
    if summary.tex_warnings:
        summary.notes.append(
            f"{summary.tex_warnings:,} TeX macros pylatexenc could only half convert "
            "(kept as close to the source as it could)"
        )


def import_files(
    engine: Engine,
    paths: list[Path],
    *,
    rejects_dir: Path,
    batch_size: int = 2000,
    fmt: str = "auto",
    feed_date: date | None = None,
    jobs: int = 1,
    reporter: Reporter | None = None,
) -> RunSummary:
    """Import several files in turn (each resumable on its own, each file's day from its
    name), as one run: one progress bar over all their bytes, one summary with the time."""
    started = time.monotonic()
    bar = OneBar(reporter or Silent(), sum(p.stat().st_size for p in paths))
    total = RunSummary(kind=f"import of {len(paths)} files" if len(paths) > 1 else "import")
    try:
        for path in paths:
            summary = import_file(
                engine,
                path,
                rejects_dir=rejects_dir,
                batch_size=batch_size,
                fmt=fmt,
                feed_date=feed_date,
                jobs=jobs if path.stat().st_size > SMALL_FILE else 1,
                reporter=bar,
            )
            total.merge(summary)
    finally:
        bar.finish()
    _tell(total)
    total.seconds = time.monotonic() - started
    return total


class OneBar:
    """A Reporter that keeps one bar over several files: each file's start only renames it."""

    def __init__(self, inner: Reporter, total: float) -> None:
        self.inner = inner
        self.total = total
        self.started = False

    def start(self, description: str, total: float | None) -> None:
        if not self.started:
            self.inner.start(description, self.total)
            self.started = True
        else:
            self.inner.describe(description)

    def advance(self, amount: float, *, records: int = 0, total: float | None = None) -> None:
        self.inner.advance(amount, records=records)

    def describe(self, description: str) -> None:
        self.inner.describe(description)

    def note(self, message: str) -> None:
        self.inner.note(message)

    def stop(self) -> None:
        pass  # between files: the bar goes on

    def finish(self) -> None:
        if self.started:
            self.inner.stop()


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
    kernel's parent-death signal on Linux, and a watch on the parent's id everywhere).
    Its pylatexenc warnings are counted, not printed (across the progress bar)."""
    count_tex_warnings()
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
    summary.tex_warnings += result.tex_warnings


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
