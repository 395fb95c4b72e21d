"""Derived indexes are disposable: a damaged keyword or vector index is detected, the site
serves without it (and says so on /healthz/search), and it is rebuilt from the database."""

from datetime import UTC, datetime

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select
from typer.testing import CliRunner

from paperfeed.app import create_app
from paperfeed.cli.main import app as cli
from paperfeed.config import Settings
from paperfeed.papers.models import Paper
from paperfeed.search.embedder import to_bytes
from paperfeed.search.indexing import keyword_path, sync_vectors, vectors_path
from paperfeed.search.models import PaperEmbedding
from paperfeed.search.vectors import VectorReader, VectorStore


def _found(client: TestClient, q: str) -> list[str]:
    return [p["paper"]["id"] for p in client.get(f"/api/papers/search?q={q}").json()]


def test_a_damaged_keyword_index_is_rebuilt_while_the_site_serves(
    filled: Engine, settings: Settings
) -> None:
    keyword_only = settings.model_copy(update={"semantic_search": False})
    with TestClient(create_app(keyword_only, filled)) as client:
        assert "2608.00001" in _found(client, "bridges")
    (keyword_path(settings) / "meta.json").write_text('{"damaged": ')
    app = create_app(keyword_only, filled)
    with TestClient(app, raise_server_exceptions=False) as client:  # starts
        assert client.get("/papers/2608.00001").status_code == 200
        assert client.get("/search?q=bridges").status_code == 200
        app.state.search._repairs["keyword"].join(30)
        assert client.get("/healthz/search").json()["keyword"] == "ready"
        assert "2608.00001" in _found(client, "bridges")
    assert (keyword_path(settings).parent / "keyword.damaged" / "meta.json").exists()


def test_reindex_survives_a_damaged_keyword_index(filled: Engine, settings: Settings) -> None:
    path = keyword_path(settings)
    path.mkdir(parents=True)
    (path / "meta.json").write_text("not json")
    env = {
        "PAPERFEED_DATA_DIR": str(settings.data_dir),
        "PAPERFEED_DATABASE_URL": settings.sqlalchemy_url,
        "PAPERFEED_SEMANTIC_SEARCH": "false",
    }
    result = CliRunner().invoke(cli, ["reindex"], env=env)
    assert result.exit_code == 0, result.output
    with TestClient(
        create_app(settings.model_copy(update={"semantic_search": False}), filled)
    ) as c:
        assert "2608.00001" in _found(c, "bridges")


def test_a_damaged_vector_index_is_served_around_and_rebuilt(
    filled: Engine, settings: Settings
) -> None:
    with filled.begin() as conn:
        ids = conn.execute(select(Paper.id)).scalars().all()
        rng = np.random.default_rng(3)
        for paper_id in ids:
            vector = rng.standard_normal(8).astype(np.float32)
            conn.execute(
                insert(PaperEmbedding).values(
                    paper_id=paper_id, model=settings.embedding_model, content_hash="x",
                    vector=to_bytes(vector / np.linalg.norm(vector)),
                    created_at=datetime.now(UTC),
                )
            )  # fmt: skip
    assert sync_vectors(filled, settings) == len(ids)
    store = VectorStore(vectors_path(settings), settings.embedding_model)
    store.file.write_bytes(b"\x00garbage" * 64)
    app = create_app(settings, filled)
    assert "damaged" in app.state.search.status()["semantic"]  # what /healthz/search says
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/papers/2608.00001").status_code == 200
        assert client.get("/api/papers/search?q=bridges").status_code == 200
        app.state.search._repairs["vectors"].join(30)
    assert store.damage() is None
    assert len(VectorReader(store)) == len(ids)
