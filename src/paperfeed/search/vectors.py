"""The approximate-nearest-neighbour index of paper embeddings (usearch HNSW), in DATA_DIR.

Derived from the paper_embeddings table: `state.json` beside the index file records the
last embedding row it holds, so it is brought up to date incrementally, and `paperfeed
reindex` rebuilds it from the table. Saved to a temporary file and renamed, so a reader
never sees half an index; readers memory-map it and reopen it when the file changes.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import onnxruntime  # noqa: F401  (before usearch: see below)
from usearch.index import Index

# usearch brings its own copy of the OpenMP runtime (libgomp, in numkong.libs). Loaded
# before ONNX Runtime, it makes `import onnxruntime` crash and torch's tracer hang (seen
# here with usearch 2.26, onnxruntime 1.32, torch 2.13); loaded after, all three work.

if TYPE_CHECKING:
    from numpy.typing import NDArray

log = logging.getLogger(__name__)
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 64
DTYPE = "f16"


def model_slug(model: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("_") or "model"


@dataclass
class VectorHits:
    ids: list[int]
    scores: list[float]  # cosine similarity


def new_index(dim: int) -> Index:
    return Index(
        ndim=dim,
        metric="cos",
        dtype=DTYPE,
        connectivity=CONNECTIVITY,
        expansion_add=EXPANSION_ADD,
        expansion_search=EXPANSION_SEARCH,
    )


class VectorStore:
    """The index file of one model and its state, for the process that writes it."""

    def __init__(self, folder: Path, model: str) -> None:
        self.folder = folder / model_slug(model)
        self.file = self.folder / "vectors.usearch"
        self.state_file = self.folder / "state.json"

    def state(self) -> dict[str, int]:
        try:
            data = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {"last_id": 0, "dim": 0}
        return {"last_id": int(data.get("last_id", 0)), "dim": int(data.get("dim", 0))}

    def load(self, dim: int) -> Index:
        if self.file.exists() and self.state()["dim"] == dim:
            index = new_index(dim)
            index.load(str(self.file))
            return index
        return new_index(dim)

    def damage(self) -> str | None:
        """Why the index file cannot be read (None: it can, or there is none yet)."""
        if not self.file.exists():
            return None
        try:
            index = Index.restore(str(self.file), view=True)
        except Exception as exc:  # usearch says ValueError, RuntimeError, ...
            return str(exc) or type(exc).__name__
        return None if index is not None else "not a usearch index"

    def save(self, index: Index, last_id: int) -> None:
        """Index file first, then the state naming it: a crash in between re-adds rows."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_suffix(".tmp")
        index.save(str(tmp))
        os.replace(tmp, self.file)
        state_tmp = self.state_file.with_suffix(".tmp")
        state_tmp.write_text(json.dumps({"last_id": last_id, "dim": index.ndim}))
        os.replace(state_tmp, self.state_file)


def add_vectors(index: Index, ids: list[int], vectors: NDArray[np.float32]) -> None:
    """Add or replace the vectors of these papers."""
    if not ids:
        return
    keys = np.asarray(ids, dtype=np.uint64)
    present = [k for k in ids if index.contains(k)]
    if present:
        index.remove(np.asarray(present, dtype=np.uint64))
    index.add(keys, vectors)


class VectorReader:
    """Read-only view of the index file, reopened when a writer has replaced it."""

    def __init__(self, store: VectorStore) -> None:
        self.store = store
        self._index: Index | None = None
        self._stamp: float | None = None
        self.damage: str | None = None

    def index(self) -> Index | None:
        """The index as the file holds it now; None while there is none, or while the file
        is damaged (semantic search then stands aside until it is rebuilt)."""
        try:
            stamp = self.store.file.stat().st_mtime_ns
        except OSError:
            return None
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                index = Index.restore(str(self.store.file), view=True)
            except Exception as exc:  # a damaged file: never an error page
                self.damage = str(exc) or type(exc).__name__
                log.warning("vector index %s is damaged: %s", self.store.file, self.damage)
                self._index = None
                return None
            self.damage = None if index is not None else "not a usearch index"
            self._index = index
        return self._index

    def __len__(self) -> int:
        index = self.index()
        return 0 if index is None else len(index)

    def search(self, vector: NDArray[np.float32], k: int) -> VectorHits:
        index = self.index()
        if index is None or len(index) == 0:
            return VectorHits([], [])
        matches = index.search(vector, min(k, len(index)))
        return VectorHits(
            [int(x) for x in matches.keys], [1.0 - float(d) for d in matches.distances]
        )

    def vector_of(self, paper_id: int) -> NDArray[np.float32] | None:
        index = self.index()
        if index is None or not index.contains(paper_id):
            return None
        return np.asarray(index.get(paper_id), dtype=np.float32)
