"""`paperfeed index`, `embed` and `reindex` on a real database and the real model."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from paperfeed.cli.main import app
from paperfeed.config import Settings
from paperfeed.search.indexing import keyword_path, pending_embeddings
from paperfeed.search.keyword import KeywordIndex
from paperfeed.search.vectors import VectorReader, VectorStore
from tests.search.papers import TOPICAL


def _env(settings: Settings) -> dict[str, str]:
    return {
        "PAPERFEED_DATA_DIR": str(settings.data_dir),
        "PAPERFEED_DATABASE_URL": settings.sqlalchemy_url,
    }


def test_index_embed_reindex(
    topical: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in _env(settings).items():
        monkeypatch.setenv(k, v)
    runner = CliRunner()
    result = runner.invoke(app, ["index"])
    assert result.exit_code == 0, result.output
    assert f"{len(TOPICAL)} papers indexed" in result.output
    assert KeywordIndex(keyword_path(settings)).num_docs() == len(TOPICAL)

    result = runner.invoke(app, ["embed", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "2 embedded" in result.output
    assert pending_embeddings(topical, settings.embedding_model) == len(TOPICAL) - 2
    result = runner.invoke(app, ["embed"])
    assert result.exit_code == 0 and "3 embedded" in result.output

    result = runner.invoke(app, ["reindex"])
    assert result.exit_code == 0, result.output
    assert f"keyword index rebuilt: {len(TOPICAL)} papers" in result.output
    assert f"vector index rebuilt: {len(TOPICAL)} embeddings" in result.output
    store = VectorStore(settings.data_dir / "index" / "vectors", settings.embedding_model)
    assert len(VectorReader(store)) == len(TOPICAL)
