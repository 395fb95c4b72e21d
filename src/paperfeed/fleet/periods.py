"""Periodic jobs once per period, however many workers tick: each run claims its (job,
period) row first; the unique pair lets one claim win. A run still going keeps the next
periods from starting another beside it: its worker beats (`alive_at`) every `heartbeat`
seconds while it runs; a run whose worker stopped beating for three beats (killed, its host
gone) no longer counts, and the next period runs again (every job catches up from the
database: harvests from their checkpoints, digests from their due rows)."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import Engine, Table, delete, select, update

from paperfeed.db.engine import insert_for
from paperfeed.fleet.models import JobRun

log = logging.getLogger(__name__)
runs = cast(Table, JobRun.__table__)
KEEP = timedelta(days=30)  # runs older than this are forgotten as new ones finish
HEARTBEAT = 20.0  # seconds between a running job's beats (PAPERFEED_JOB_HEARTBEAT_SECONDS)


@dataclass(frozen=True)
class Period:
    """A job's schedule: every `minutes`."""

    minutes: int

    def start(self, now: datetime) -> datetime:
        """The start of the period `now` falls in (periods counted from midnight UTC)."""
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        done = int((now - midnight).total_seconds() // 60) // self.minutes * self.minutes
        return midnight + timedelta(minutes=done)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(
    engine: Engine, name: str, period: Period, now: datetime, heartbeat: float = HEARTBEAT
) -> int | None:
    """This worker's run of `name` for the period of `now`, or None: already claimed for this
    period, or an earlier run's worker is still beating."""
    c = runs.c
    alive = now - timedelta(seconds=3 * heartbeat)
    with engine.begin() as conn:
        going = conn.execute(
            select(c.id).where(c.name == name, c.finished_at.is_(None), c.alive_at > alive)
        ).first()
        if going is not None:
            return None
        row = conn.execute(
            insert_for(conn, runs)
            .values(
                name=name,
                period=period.start(now),
                worker=worker_name(),
                started_at=now,
                alive_at=now,
            )
            .on_conflict_do_nothing(index_elements=["name", "period"])
            .returning(c.id)
        ).first()
    return None if row is None else int(row[0])


def finish(engine: Engine, run_id: int, name: str, now: datetime, outcome: str) -> None:
    c = runs.c
    with engine.begin() as conn:
        conn.execute(update(runs).where(c.id == run_id).values(finished_at=now, outcome=outcome))
        conn.execute(delete(runs).where(c.name == name, c.period < now - KEEP))


def beat(engine: Engine, run_id: int, now: datetime) -> None:
    with engine.begin() as conn:
        conn.execute(update(runs).where(runs.c.id == run_id).values(alive_at=now))


@contextmanager
def once_per_period(
    engine: Engine,
    name: str,
    period: Period,
    clock: Callable[[], datetime] | None = None,
    heartbeat: float = HEARTBEAT,
) -> Iterator[bool]:
    """`with once_per_period(...) as mine: if mine: work()` — the run is recorded, with
    its outcome, whichever way the work ends, and beats while the work goes on."""
    clock = clock or (lambda: datetime.now(UTC))
    run_id = claim(engine, name, period, clock(), heartbeat)
    if run_id is None:
        log.info("%s: this period's run is another worker's", name)
        yield False
        return
    done = threading.Event()

    def beating() -> None:
        while not done.wait(heartbeat):
            try:
                beat(engine, run_id, clock())
            except Exception:  # the database away a moment: the next beat tries again
                log.warning("%s: heartbeat failed", name, exc_info=True)

    threading.Thread(target=beating, name=f"beat-{name}", daemon=True).start()
    outcome = "failed"
    try:
        yield True
        outcome = "done"
    finally:
        done.set()
        finish(engine, run_id, name, clock(), outcome)
