"""Papers embed on ONNX Runtime in batches of like length: each vector as PyTorch's
(float32) or nearly (int8), in the order given, whatever the lengths; the settings choose."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from paperfeed.config import Settings
from paperfeed.search.embedder import DEFAULT_MODEL, Embedder, embedder_for, load_model

# lengths that sort differently from the order given (one past the token window)
TEXTS = ["x " * 400, "radar odometry in fog", "été", "graph neural networks " * 20, "a"]


def test_papers_embed_in_batches_with_pytorchs_vectors(tmp_path: Path) -> None:
    reference = load_model(DEFAULT_MODEL).encode(TEXTS, normalize_embeddings=True)
    for kind, floor in (("onnx", 0.9999), ("onnx-int8", 0.97)):
        embedder = Embedder(DEFAULT_MODEL, onnx_folder=tmp_path, documents=kind)
        assert embedder.document_backend.startswith("onnxruntime")
        vectors = embedder.encode(TEXTS)
        assert vectors.shape == reference.shape
        cosines = (vectors * reference).sum(axis=1)
        assert cosines.min() > floor, (kind, cosines)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_the_settings_choose_the_document_encoder(tmp_path: Path) -> None:
    torch = embedder_for(Settings(data_dir=tmp_path, document_encoder="torch"))
    assert torch.document_encoder is None and torch.document_backend.startswith("pytorch")
    short = embedder_for(Settings(data_dir=tmp_path, document_tokens=128))
    assert short.document_backend == "onnxruntime-int8, 128 tokens"
    # a shorter window reads less of a long text: its vector moves, a short text's barely
    # (int8 activations are scaled per batch, so not at all would be too much to ask)
    full = embedder_for(Settings(data_dir=tmp_path))
    long_text = "radar odometry in fog. " * 10 + "protein folding with diffusion " * 40
    texts = [long_text, TEXTS[1]]
    a, b = short.encode(texts), full.encode(texts)
    assert float(a[1] @ b[1]) > 0.99 and float(a[0] @ b[0]) < float(a[1] @ b[1]) - 0.01


def test_a_searching_process_loads_no_document_encoder_and_torch_queries_stay_torch(
    tmp_path: Path,
) -> None:
    embedder = embedder_for(Settings(data_dir=tmp_path, query_encoder="torch"))
    query = embedder.encode_query("radar odometry in fog")
    assert "document_encoder" not in vars(embedder)  # loaded with the first papers only
    reference = load_model(DEFAULT_MODEL).encode(
        ["radar odometry in fog"], normalize_embeddings=True
    )
    assert float(query @ reference[0]) > 0.99999  # PyTorch's own vector, not the int8 graph's
    embedder.encode(["radar odometry in fog"])
    assert embedder.document_backend.startswith("onnxruntime-int8")
