"""The end-mark journal: one small append per digest, just before its final "." goes out.

A write to a file survives the death of the process that made it (it is in the kernel, not
in the process), and costs a few microseconds, where a database commit costs a round trip.
So a sender killed between sending a digest's end mark and committing "sent" leaves the
proof in its journal, and recovery marks that digest sent instead of sending it again.
One journal per claim token (one batch of one worker), deleted once the batch is settled.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def folder(data_dir: Path) -> Path:
    return data_dir / "digest-journal"


class Journal:
    def __init__(self, data_dir: Path, token: str) -> None:
        path = folder(data_dir)
        path.mkdir(parents=True, exist_ok=True)
        self.path = path / f"{token}.log"
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def mark(self, delivery_id: int) -> None:
        os.write(self._fd, f"{delivery_id}\n".encode())

    def close(self, remove: bool) -> None:
        os.close(self._fd)
        if remove:
            self.path.unlink(missing_ok=True)


def marked(data_dir: Path, token: str | None) -> set[int]:
    """Delivery ids whose end mark the batch `token` sent (empty when its journal is not
    on this machine: then recovery sends again, as without a journal)."""
    if not token or not _TOKEN.match(token):
        return set()
    try:
        text = (folder(data_dir) / f"{token}.log").read_text()
    except OSError:
        return set()
    return {int(x) for x in text.split() if x.isdigit()}


def forget(data_dir: Path, token: str) -> None:
    if _TOKEN.match(token):
        (folder(data_dir) / f"{token}.log").unlink(missing_ok=True)
