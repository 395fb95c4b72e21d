"""The query encoder on ONNX Runtime: the loaded model's own weights, exported once.

A query is a few words; for so few tokens PyTorch's per-operator dispatch costs more than
the arithmetic (a 3-word query, p50: 9-15 ms through `model.encode`, 2.5-4.3 ms through
ONNX Runtime in float32, 0.8-2.2 ms in int8; bench/search_speed.py --encoder-only,
docs/benchmarks.md). The transformer is exported with `torch.onnx` from the model
paperfeed has loaded (nothing is downloaded), kept in DATA_DIR/models, and checked against
PyTorch when it loads: the vectors must agree (each graph has its lowest cosine,
Graph.min_agreement), else queries stay on PyTorch. Papers are still embedded by
`model.encode` in batches, where PyTorch is at its best.

Two graphs: the float32 export, and its int8 copy (dynamic quantization of the weights,
per output channel, by ONNX Runtime's own quantizer). The int8 one is 2-3x faster again
for a few words, with vectors a little off the float32 ones (cosine about 0.99),
so it must show its retrieval quality on bench/search_quality.py, which measures both
(docs/benchmarks.md); it is checked against PyTorch at every load with its own bound.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

log = logging.getLogger(__name__)

EXPORT_TIMEOUT = 600  # seconds
DOCUMENT_BATCH = 32  # papers per run (64 measured no faster)
PROBES = ("graph neural networks", "a", "Attention is all you need. " * 40)
_POOLINGS = ("mean", "cls")


@dataclass(frozen=True)
class Graph:
    """One way of running the exported transformer."""

    backend: str  # the name /healthz/search and the benches show
    suffix: str  # of the graph's file name
    threads: int  # ONNX Runtime's intra-op threads (at most the machine's cores)
    min_agreement: float  # lowest cosine to PyTorch's vectors of the probe texts


# Threads, timed by hand while choosing (not bench figures): float32 on two (p50 a little
# lower than on one, p95 the same); int8 on one (p50 0.9-1.0 ms, against 1.4-1.7 ms on two:
# its kernels are too short for a second thread to pay), which leaves the other core to
# the keyword search running beside it
FLOAT32 = Graph("onnxruntime", "", 2, 0.9999)
INT8 = Graph("onnxruntime-int8", "-int8", 1, 0.97)


class OnnxQueryEncoder:
    """Encodes one text at a time (ONNX Runtime sessions are safe to share across threads),
    or many in batches (`encode_many`, for papers)."""

    def __init__(
        self, session: Any, tokenizer: Any, pooling: str, max_tokens: int, backend: str
    ) -> None:
        self.session = session
        self.backend = backend
        self.tokenizer = tokenizer
        self.pooling = pooling
        self.max_tokens = max_tokens
        self.inputs = [i.name for i in session.get_inputs()]

    def encode(self, text: str) -> NDArray[np.float32]:
        feed = self.tokenizer(
            [text], return_tensors="np", truncation=True, max_length=self.max_tokens
        )
        hidden = self.session.run(None, {k: feed[k].astype(np.int64) for k in self.inputs})[0]
        if self.pooling == "cls":
            vector = hidden[0, 0]
        else:
            mask = feed["attention_mask"][0].astype(np.float32)[:, None]
            vector = (hidden[0] * mask).sum(0) / max(float(mask.sum()), 1e-9)
        vector = vector.astype(np.float32)
        return vector / max(float(np.linalg.norm(vector)), 1e-12)

    def encode_many(
        self, texts: list[str], max_tokens: int, batch_size: int = DOCUMENT_BATCH
    ) -> NDArray[np.float32]:
        """Vectors of many texts, read up to `max_tokens` tokens each: tokenized once,
        sorted by length and run in batches of like length (little padding), pooled as
        the model pools (padding left out of the mean)."""
        out = np.zeros((len(texts), 0), dtype=np.float32)
        if not texts:
            return out
        tokens = self.tokenizer(list(texts), truncation=True, max_length=max_tokens)
        order = np.argsort([len(ids) for ids in tokens["input_ids"]], kind="stable")
        for start in range(0, len(texts), batch_size):
            chosen = order[start : start + batch_size]
            batch = self.tokenizer.pad(
                {k: [tokens[k][i] for i in chosen] for k in tokens}, return_tensors="np"
            )
            hidden = self.session.run(None, {k: batch[k].astype(np.int64) for k in self.inputs})
            if self.pooling == "cls":
                vectors = hidden[0][:, 0]
            else:
                mask = batch["attention_mask"].astype(np.float32)[:, :, None]
                vectors = (hidden[0] * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
            if out.shape[1] == 0:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
            out[chosen] = vectors / norms
        return out


def supported_pooling(model: Any) -> str | None:
    """'mean' or 'cls' for a (Transformer, Pooling[, Normalize]) model; None otherwise."""
    names = [type(m).__name__ for m in model]
    if names not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return None
    pooling = getattr(model[1], "pooling_mode", None)
    return pooling if pooling in _POOLINGS else None


def graph_path(folder: Path, location: str, graph: Graph = FLOAT32) -> Path:
    """Where the export of this model lives (a new one for another model or torch)."""
    import torch

    key = hashlib.blake2b(f"{location}|{torch.__version__}".encode(), digest_size=8).hexdigest()
    return folder / f"query-{key}{graph.suffix}.onnx"


def export_in_subprocess(name: str, path: Path, quantized: Path | None = None) -> None:
    """Export (and quantize into `quantized`) in a fresh process: torch's tracer hangs in
    a process that loaded another OpenMP runtime first (usearch's), as every paperfeed
    process that searches has."""
    extra = [str(quantized)] if quantized else []
    done = subprocess.run(
        [sys.executable, "-m", "paperfeed.search.onnx_query", name, str(path), *extra],
        capture_output=True,
        text=True,
        timeout=EXPORT_TIMEOUT,
        check=False,
    )
    wanted = [path, quantized] if quantized else [path]
    if done.returncode != 0 or not all(p.exists() for p in wanted):
        lines = (done.stderr or done.stdout or "no output").strip().splitlines()
        raise RuntimeError(f"export exited {done.returncode}: {lines[-1] if lines else ''}")


EXPORT_LOCK = ".export.lock"  # in the models folder


@contextmanager
def _export_lock(folder: Path) -> Iterator[None]:
    """Held while a graph is exported and quantized: processes starting together would
    otherwise write (and delete) the quantizer's scratch files under each other."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / EXPORT_LOCK).open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def export(model: Any, path: Path) -> None:
    """Write the transformer of `model` as an ONNX graph (atomically)."""
    import torch

    transformer = model[0].auto_model
    sample = model.tokenizer(["a b c"], return_tensors="pt")
    names = list(sample.keys())  # the inputs this model's tokenizer gives (BERT: three)

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, *args: Any) -> Any:
            return self.transformer(**dict(zip(names, args, strict=True))).last_hidden_state

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "hidden"]}
    transformer.eval()
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the exporter's notes on traced branches
        torch.onnx.export(
            Hidden(),
            tuple(sample[n] for n in names),
            str(tmp),
            input_names=names,
            output_names=["hidden"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    os.replace(tmp, path)


def quantize(source: Path, path: Path) -> None:
    """Write the int8 copy of the float32 graph at `source` (atomically)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    # per output channel: one scale for the whole tensor put the probes' cosine at 0.91
    quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
    os.replace(tmp, path)


def session_for(path: Path, threads: int = FLOAT32.threads) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    # no spinning between runs, so the idle threads leave the cores to the keyword search
    # running beside them
    options.intra_op_num_threads = max(1, min(threads, os.cpu_count() or 1))
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def agreement(encoder: OnnxQueryEncoder, model: Any) -> float:
    """The lowest cosine between ONNX and PyTorch vectors of the probe texts."""
    reference = model.encode(list(PROBES), normalize_embeddings=True, show_progress_bar=False)
    return min(float(np.dot(encoder.encode(t), reference[i])) for i, t in enumerate(PROBES))


def load(
    model: Any,
    name: str,
    location: str,
    folder: Path,
    *,
    int8: bool = False,
    threads: int | None = None,
) -> OnnxQueryEncoder | None:
    """The ONNX encoder for model `name` (exported on first use), or None: PyTorch.

    int8: the quantized graph first, the float32 one when it cannot be trusted. threads:
    ONNX Runtime's (default: the graph's own for queries; every core for documents)."""
    pooling = supported_pooling(model)
    if pooling is None:
        log.info("ONNX encoder: not for this model's layout (PyTorch)")
        return None
    path = graph_path(folder, location)
    for graph in (INT8, FLOAT32) if int8 else (FLOAT32,):
        target = graph_path(folder, location, graph)
        encoder = _checked(model, name, pooling, path, target, graph, threads)
        if encoder is not None:
            return encoder
    return None


def _checked(
    model: Any,
    name: str,
    pooling: str,
    source: Path,
    path: Path,
    graph: Graph,
    threads: int | None = None,
) -> OnnxQueryEncoder | None:
    """The encoder on `path` (made first if missing) if its vectors agree with PyTorch's."""
    try:
        if not path.exists():
            with _export_lock(path.parent):  # serve --workers N: one process exports
                if not path.exists():
                    export_in_subprocess(name, source, path if path != source else None)
        session = session_for(path, threads or graph.threads)
        tokenizer, tokens = model.tokenizer, int(model.max_seq_length)
        encoder = OnnxQueryEncoder(session, tokenizer, pooling, tokens, graph.backend)
        agree = agreement(encoder, model)
    except Exception as exc:  # any failure leaves queries on PyTorch, never search down
        log.warning("query encoder: not %s (ONNX export failed: %s)", graph.backend, exc)
        return None
    if agree < graph.min_agreement:
        log.warning("query encoder: not %s (vectors differ: cosine %.6f)", graph.backend, agree)
        return None
    return encoder


if __name__ == "__main__":  # python -m paperfeed.search.onnx_query MODEL PATH [INT8_PATH]
    from paperfeed.search.embedder import load_model

    if not Path(sys.argv[2]).exists():
        export(load_model(sys.argv[1]), Path(sys.argv[2]))
    if len(sys.argv) > 3:
        quantize(Path(sys.argv[2]), Path(sys.argv[3]))
