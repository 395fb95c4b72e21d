"""Periodic jobs run once per period however many workers tick together; a run in progress
holds the job until it finishes or its lease passes (a dead worker is replaced)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from paperfeed.fleet.periods import Period, beat, claim, once_per_period

T0 = datetime(2026, 12, 3, 10, 17, 5, tzinfo=UTC)
HOURLY = Period(60)


def _runs(engine: Engine) -> list[tuple[str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT worker, outcome FROM job_runs ORDER BY id")).all()
    return [(r[0], r[1]) for r in rows]


def test_workers_ticking_together_run_a_period_once(engine: Engine) -> None:
    ran: list[int] = []
    start = threading.Barrier(4)

    def worker(n: int) -> None:
        start.wait()
        with once_per_period(engine, "harvest", HOURLY, clock=lambda: T0) as mine:
            if mine:
                ran.append(n)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ran) == 1
    assert [outcome for _, outcome in _runs(engine)] == ["done"]
    later = T0 + timedelta(minutes=40)  # the same hour: nothing more
    with once_per_period(engine, "harvest", HOURLY, clock=lambda: later) as mine:
        assert not mine
    next_hour = T0 + timedelta(hours=1)
    with once_per_period(engine, "harvest", HOURLY, clock=lambda: next_hour) as mine:
        assert mine
    assert len(_runs(engine)) == 2


def test_a_run_in_progress_holds_the_job_while_its_worker_beats(engine: Engine) -> None:
    run = claim(engine, "harvest", HOURLY, T0, heartbeat=20)
    assert run is not None
    later = T0 + timedelta(hours=1, minutes=30)
    beat(engine, run, later - timedelta(seconds=30))  # still beating half a minute ago
    assert claim(engine, "harvest", HOURLY, later, heartbeat=20) is None
    # its worker dies: no beat for three beats, the next period's run goes ahead
    assert claim(engine, "harvest", HOURLY, later + timedelta(seconds=31), heartbeat=20)


def test_a_long_run_beats_while_it_works(engine: Engine) -> None:
    with once_per_period(engine, "harvest", HOURLY, heartbeat=0.05) as mine:
        assert mine
        with engine.connect() as conn:
            first = conn.execute(text("SELECT alive_at FROM job_runs")).scalar_one()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                if conn.execute(text("SELECT alive_at FROM job_runs")).scalar_one() != first:
                    break
            time.sleep(0.05)
        else:
            raise AssertionError("no heartbeat in 10 s")


def test_a_failed_run_is_recorded_as_failed(engine: Engine) -> None:
    with (
        pytest.raises(RuntimeError),
        once_per_period(engine, "digests", Period(1), lambda: T0) as mine,
    ):
        assert mine
        raise RuntimeError("upstream down")
    assert [outcome for _, outcome in _runs(engine)] == ["failed"]
    assert Period(5).start(T0) == T0.replace(minute=15, second=0)
