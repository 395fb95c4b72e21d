"""Periodic jobs run once per period however many workers tick together; a run in progress
holds the job until it finishes or its lease passes (a dead worker is replaced)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from paperfeed.fleet.periods import Period, claim, once_per_period

T0 = datetime(2026, 12, 3, 10, 17, 5, tzinfo=UTC)
HOURLY = Period(60, timedelta(hours=1))


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


def test_a_run_in_progress_holds_the_job_until_its_lease_passes(engine: Engine) -> None:
    assert claim(engine, "harvest", HOURLY, T0) is not None  # its worker dies: never finished
    assert claim(engine, "harvest", HOURLY, T0 + timedelta(minutes=50)) is None
    assert claim(engine, "harvest", HOURLY, T0 + timedelta(minutes=59)) is None  # lease: 1 h
    assert claim(engine, "harvest", HOURLY, T0 + timedelta(hours=1, minutes=1)) is not None


def test_a_failed_run_is_recorded_as_failed(engine: Engine) -> None:
    with (
        pytest.raises(RuntimeError),
        once_per_period(engine, "digests", Period(1, timedelta(minutes=5)), lambda: T0) as mine,
    ):
        assert mine
        raise RuntimeError("upstream down")
    assert [outcome for _, outcome in _runs(engine)] == ["failed"]
    assert Period(5, timedelta(1)).start(T0) == T0.replace(minute=15, second=0)
