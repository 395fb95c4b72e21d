"""The ONNX Runtime query encoder: exported from the real model into the data folder, the
same vectors as PyTorch (float32) or nearly (int8), and the next graph down (int8 ->
float32 -> PyTorch) whenever one cannot be trusted."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.config import Settings
from paperfeed.search import onnx_query
from paperfeed.search.embedder import DEFAULT_MODEL, Embedder, load_model, model_location
from paperfeed.search.indexing import embed_pending

TEXTS = ["graph neural networks", "radar odometry in fog", "été", "x " * 400]


def test_queries_embed_through_onnx_with_the_same_vectors(tmp_path: Path) -> None:
    model = load_model(DEFAULT_MODEL)
    encoder = onnx_query.load(
        model, DEFAULT_MODEL, model_location(DEFAULT_MODEL), tmp_path / "models"
    )
    assert encoder is not None
    made = [p.suffix for p in (tmp_path / "models").iterdir() if p.name != onnx_query.EXPORT_LOCK]
    assert made == [".onnx"]  # no scratch files left
    reference = model.encode(TEXTS, normalize_embeddings=True)
    for text, expected in zip(TEXTS, reference, strict=True):
        vector = encoder.encode(text)
        assert vector.shape == expected.shape
        assert float(np.dot(vector, expected)) > 0.9999
        assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_the_int8_graph_is_quantized_from_the_export_and_nearly_agrees(tmp_path: Path) -> None:
    model = load_model(DEFAULT_MODEL)
    location = model_location(DEFAULT_MODEL)
    encoder = onnx_query.load(model, DEFAULT_MODEL, location, tmp_path, int8=True)
    assert encoder is not None and encoder.backend == "onnxruntime-int8"
    float32 = onnx_query.graph_path(tmp_path, location)
    int8 = onnx_query.graph_path(tmp_path, location, onnx_query.INT8)
    made = sorted(p.name for p in tmp_path.iterdir() if p.name != onnx_query.EXPORT_LOCK)
    assert made == sorted([float32.name, int8.name])
    assert int8.stat().st_size < float32.stat().st_size / 2  # int8 weights
    reference = model.encode(TEXTS, normalize_embeddings=True)
    for text, expected in zip(TEXTS, reference, strict=True):
        vector = encoder.encode(text)
        assert 0.97 < float(np.dot(vector, expected)) < 0.99999  # close, not the same
        assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_a_broken_int8_graph_falls_back_to_float32(tmp_path: Path) -> None:
    model = load_model(DEFAULT_MODEL)
    location = model_location(DEFAULT_MODEL)
    onnx_query.graph_path(tmp_path, location, onnx_query.INT8).write_bytes(b"not a graph")
    encoder = onnx_query.load(model, DEFAULT_MODEL, location, tmp_path, int8=True)
    assert encoder is not None and encoder.backend == "onnxruntime"


def test_an_int8_graph_that_disagrees_falls_back_to_float32(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = load_model(DEFAULT_MODEL)
    strict = dataclasses.replace(onnx_query.INT8, min_agreement=0.9999)
    monkeypatch.setattr(onnx_query, "INT8", strict)  # int8 vectors never reach it
    encoder = onnx_query.load(
        model, DEFAULT_MODEL, model_location(DEFAULT_MODEL), tmp_path, int8=True
    )
    assert encoder is not None and encoder.backend == "onnxruntime"


def test_an_embedder_with_a_folder_answers_queries_on_onnx(tmp_path: Path) -> None:
    embedder = Embedder(DEFAULT_MODEL, onnx_folder=tmp_path / "models")
    assert embedder.query_backend == "onnxruntime"
    first = embedder.encode_query("robots in the rain")
    assert embedder.encode_query("robots in the rain") is first  # cached per process
    reference = embedder.encode(["robots in the rain"])[0]
    assert float(np.dot(first, reference)) > 0.9999
    assert Embedder(DEFAULT_MODEL).query_backend == "pytorch"  # no folder: PyTorch


def test_a_broken_export_falls_back_to_pytorch(tmp_path: Path) -> None:
    model = load_model(DEFAULT_MODEL)
    location = model_location(DEFAULT_MODEL)
    path = onnx_query.graph_path(tmp_path, location)
    path.write_bytes(b"not an onnx graph")
    assert onnx_query.load(model, DEFAULT_MODEL, location, tmp_path) is None


def test_vectors_that_disagree_fall_back_to_pytorch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = load_model(DEFAULT_MODEL)
    for graph in ("INT8", "FLOAT32"):  # no cosine reaches 1.01
        unreachable = dataclasses.replace(getattr(onnx_query, graph), min_agreement=1.01)
        monkeypatch.setattr(onnx_query, graph, unreachable)
    location = model_location(DEFAULT_MODEL)
    assert onnx_query.load(model, DEFAULT_MODEL, location, tmp_path, int8=True) is None
    assert onnx_query.load(model, DEFAULT_MODEL, location, tmp_path) is None


def test_models_of_another_layout_stay_on_pytorch() -> None:
    class Odd:
        pass

    assert onnx_query.supported_pooling([Odd()]) is None
    model = load_model(DEFAULT_MODEL)
    assert onnx_query.supported_pooling(model) == "mean"


def test_the_site_says_which_encoder_embeds_queries(
    topical: Engine, settings: Settings, topical_client: TestClient
) -> None:
    embed_pending(topical, settings)
    topical_client.app.state.search.embedder(wait=True)  # type: ignore[attr-defined]
    health = topical_client.get("/healthz/search").json()
    assert (health["semantic"], health["query_encoder"]) == ("ready", "onnxruntime-int8")
    found = topical_client.get("/search.json", params={"q": "automobile"}).json()["papers"]
    assert [p["arxiv_id"] for p in found] == ["2608.10002"]  # meaning, through int8 ONNX


def test_a_query_the_model_fails_on_is_answered_by_keywords(
    topical: Engine,
    settings: Settings,
    topical_client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    embed_pending(topical, settings)
    embedder = topical_client.app.state.search.embedder(wait=True)  # type: ignore[attr-defined]

    class Failing:
        def encode(self, text: str) -> None:
            raise RuntimeError("the model failed")

    monkeypatch.setattr(embedder, "query_encoder", Failing())
    r = topical_client.get("/search.json", params={"q": "robot rain"})
    assert r.status_code == 200
    found = r.json()["papers"]
    assert found and {p["matched"] for p in found} == {"words"}
    monkeypatch.undo()
    # the failure was not kept: the same words are embedded again, and meaning joins in
    found = topical_client.get("/search.json", params={"q": "robot rain"}).json()["papers"]
    assert "both" in {p["matched"] for p in found}
