"""Progress reporting for long ingestion work: a Rich bar with rate and ETA, or nothing."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)


class Reporter(Protocol):
    def start(self, description: str, total: float | None) -> None: ...
    def advance(self, amount: float, *, records: int = 0, total: float | None = None) -> None: ...
    def note(self, message: str) -> None: ...
    def describe(self, description: str) -> None: ...
    def stop(self) -> None: ...


class Silent:
    def start(self, description: str, total: float | None) -> None:
        pass

    def describe(self, description: str) -> None:
        pass

    def advance(self, amount: float, *, records: int = 0, total: float | None = None) -> None:
        pass

    def note(self, message: str) -> None:
        pass

    def stop(self) -> None:
        pass


class RichReporter:
    """A progress bar: done/total, percent, rate, elapsed and ETA."""

    def __init__(self, console: Console, unit: str = "records", *, bytes_bar: bool = False) -> None:
        self.console = console
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn() if bytes_bar else MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA {task.fields[eta]}"),
            console=console,
            transient=False,
        )
        self._unit = unit
        self._task: TaskID | None = None
        self._started = time.monotonic()
        self._records = 0

    def start(self, description: str, total: float | None) -> None:
        self._started = time.monotonic()
        self._records = 0
        self._progress.start()
        self._task = self._progress.add_task(description, total=total, rate="", eta="-:--:--")

    def advance(self, amount: float, *, records: int = 0, total: float | None = None) -> None:
        """Move the bar by `amount` (bytes or records) and count `records` for the rate."""
        if self._task is None:
            return
        self._records += records
        elapsed = time.monotonic() - self._started
        rate = f"{self._records / elapsed:,.0f} {self._unit}/s" if elapsed > 0.5 else ""
        self._progress.update(self._task, advance=amount, rate=rate)
        if total is not None:
            self._progress.update(self._task, total=total)
        self._progress.update(self._task, eta=self._eta(elapsed))

    def _eta(self, elapsed: float) -> str:
        """Time left at the average pace so far: shown from the first step on (rich's own
        estimate waits for several steps within 30 s, which slow batches never give)."""
        task = next(t for t in self._progress.tasks if t.id == self._task)
        if not task.total or not task.completed:
            return "-:--:--"
        left = elapsed / task.completed * max(task.total - task.completed, 0)
        return str(timedelta(seconds=round(left)))

    def note(self, message: str) -> None:
        self._progress.console.print(message)

    def describe(self, description: str) -> None:
        """Rename the running bar (the next file of a run)."""
        if self._task is not None:
            self._progress.update(self._task, description=description)

    def stop(self) -> None:
        self._progress.stop()
