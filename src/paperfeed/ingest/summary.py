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
        return text
