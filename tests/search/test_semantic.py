"""Semantic search with the real all-MiniLM-L6-v2: embeddings stored, the vector index kept
up to date, meaning found without shared words, filters honoured, similar papers."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from paperfeed.config import Settings
from paperfeed.search.indexing import embed_pending, pending_embeddings, sync_vectors
from paperfeed.search.models import PaperEmbedding
from tests.search.papers import D2, TOPICAL
from tests.web.conftest import store


def _ids(client: TestClient, **params: str) -> list[tuple[str, str]]:
    r = client.get("/search.json", params=params)
    assert r.status_code == 200, r.text
    return [(p["arxiv_id"], p["matched"]) for p in r.json()["papers"]]


def test_embeddings_are_stored_once_and_redone_when_a_paper_changes(
    topical: Engine, settings: Settings
) -> None:
    model = settings.embedding_model
    assert pending_embeddings(topical, model) == len(TOPICAL)
    first = embed_pending(topical, settings)
    assert (first.embedded, first.indexed) == (len(TOPICAL), len(TOPICAL))
    again = embed_pending(topical, settings)
    assert (again.embedded, again.indexed) == (0, 0)
    changed = TOPICAL[0]
    store(
        topical,
        [type(changed)(id=changed.id, title="New title", versions=[*changed.versions, D2])],
    )
    assert pending_embeddings(topical, model) == 1
    assert embed_pending(topical, settings).embedded == 1
    with topical.connect() as conn:
        assert conn.execute(select(func.count()).select_from(PaperEmbedding)).scalar_one() == 5
    # the vector index is derived: rebuilt from the table, it holds one vector per paper
    assert sync_vectors(topical, settings, rebuild=True) == len(TOPICAL)


def test_meaning_without_shared_words(topical: Engine, settings: Settings) -> None:
    from paperfeed.app import create_app

    with TestClient(create_app(settings, topical)) as client:
        assert _ids(client, q="automobile") == []  # keywords only: no paper says it
        embed_pending(topical, settings)
        client.app.state.search.embedder(wait=True)  # type: ignore[attr-defined]
        assert _ids(client, q="automobile") == [("2608.10002", "meaning")]
        found = _ids(client, q="robot rain")  # words and meaning agree on these two
        assert set(found[:2]) == {("2608.10005", "both"), ("2608.10002", "both")}
        # filters hold for the semantic list too
        assert _ids(client, q="automobile", cat="cs.CL") == []
        assert _ids(client, q="automobile", since="2026-08-05") == []
        # nonsense finds nothing (a minimum similarity), not the whole database
        assert _ids(client, q="zzzz qqqq") == []
        # sort by date: keyword matches only, newest first
        assert _ids(client, q="automobile", sort="date") == []


def test_similar_papers_by_meaning(topical: Engine, settings: Settings) -> None:
    from paperfeed.app import create_app

    embed_pending(topical, settings)
    with TestClient(create_app(settings, topical)) as client:
        similar = client.get("/api/papers/2608.10002/similar", params={"limit": 2}).json()
        assert similar[0]["id"] == "2608.10005"
        page = client.get("/papers/2608.10002").text
        assert "Radar odometry" in page
