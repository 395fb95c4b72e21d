"""/readyz says whether a replica should get traffic: 200 when its database (on the
code's schema), Redis and keyword index are fine; 503 naming what is not."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from paperfeed.app import create_app
from paperfeed.config import Settings


def _ready(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def with_redis(filled: Engine, settings: Settings) -> Iterator[TestClient]:
    yield from _ready(settings.model_copy(update={"redis_url": "redis://127.0.0.1:6379/0"}), filled)


def test_a_healthy_replica_is_ready(with_redis: TestClient) -> None:
    answer = with_redis.get("/readyz")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ready"] is True
    assert body["database"] == body["redis"] == body["index"] == "ok"
    assert body["index_lag_seconds"] == 0.0
    assert with_redis.get("/healthz").text == "ok"


def test_redis_away_is_not_ready(filled: Engine, settings: Settings) -> None:
    away = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    for c in _ready(away, filled):
        answer = c.get("/readyz")
        assert answer.status_code == 503
        assert answer.json()["redis"].startswith("unreachable")


def test_an_older_schema_is_not_ready(client: TestClient, filled: Engine) -> None:
    with filled.begin() as conn:  # as a replica whose release has not been migrated yet
        head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        conn.execute(text("UPDATE alembic_version SET version_num = '0008'"))
    try:
        answer = client.get("/readyz")
    finally:  # (the schema itself is the head's: the database is shared by the next tests)
        with filled.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    assert answer.status_code == 503
    assert "paperfeed db upgrade" in answer.json()["database"]


def test_an_index_far_behind_is_not_ready(client: TestClient) -> None:
    indexes = client.app.state.search  # type: ignore[attr-defined]
    indexes._behind_since = time.monotonic() - 120  # papers known for two minutes, not indexed
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["index"] == "behind by 120 s"
