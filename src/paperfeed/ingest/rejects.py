"""The rejects file: one JSON line per record left out, with where, which field and why."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson

from paperfeed.sources.record import Reject


class RejectLog:
    """Appends rejects of one run to DATA_DIR/rejects/<kind>-<timestamp>.jsonl."""

    def __init__(self, folder: Path, kind: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.path = folder / f"{kind}-{stamp}.jsonl"
        self.count = 0
        self.first: list[Reject] = []

    def write(self, rejects: list[Reject]) -> None:
        if not rejects:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as fh:
            for r in rejects:
                fh.write(
                    orjson.dumps(
                        {"where": r.where, "id": r.record_id, "field": r.field, "reason": r.reason}
                    )
                    + b"\n"
                )
        self.count += len(rejects)
        self.first.extend(rejects[: max(0, 5 - len(self.first))])
