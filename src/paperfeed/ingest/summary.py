"""What an ingestion run did: counts, rejects, and anything worth telling the operator."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from paperfeed.papers.service import Counts
from paperfeed.sources.record import Reject


@dataclass
class RunSummary:
    kind: str
    counts: Counts = field(default_factory=Counts)
    deleted: int = 0
    resumed: bool = False
    rejects_path: Path | None = None
    first_rejects: list[Reject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stray: list[Reject] = field(default_factory=list)  # papers kept, a field's strings skipped
    tex_warnings: int = 0
    seconds: float | None = None  # the run's wall time, when it is told

    def line(self) -> str:
        c = self.counts
        text = (
            f"{self.kind}: {c.added:,} added, {c.updated:,} updated, "
            f"{c.unchanged:,} unchanged, {c.rejected:,} rejected"
        )
        if self.deleted:
            text += f", {self.deleted:,} deleted upstream (ignored)"
        if self.resumed:
            text += " (resumed from a checkpoint)"
        if self.seconds is not None:
            rate = c.seen / self.seconds if self.seconds > 0 else 0.0
            text += f" in {self.seconds:,.1f} s ({rate:,.0f} records/s)"
        return text

    def merge(self, other: RunSummary) -> None:
        """Add another run's counts and findings to this one (several files, one report)."""
        self.counts += other.counts
        self.resumed = self.resumed or other.resumed
        self.first_rejects = (self.first_rejects + other.first_rejects)[:5]
        self.rejects_path = other.rejects_path or self.rejects_path
        self.stray += other.stray
        self.tex_warnings += other.tex_warnings  # (notes are told from these, by the caller)
