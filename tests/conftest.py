"""Shared fixtures: both databases (SQLite file, real PostgreSQL), settings, the arXiv stand-in."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text

from paperfeed.config import Settings
from paperfeed.db.engine import make_engine
from paperfeed.db.migrate import upgrade
from paperfeed.db.models import Base
from tests.standin import ArxivStandIn

PG_ADMIN = os.environ.get(
    "PAPERFEED_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("PAPERFEED_SHARED_DATA", REPO.parent / "shared" / "data"))
TABLES = tuple(t.name for t in Base.metadata.sorted_tables)


def _pg_available() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).splitlines()[0]


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated, dropped at the end."""
    problem = _pg_available()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN}: {problem}")
    name = f"paperfeed_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    url = f"{base}/{name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'paperfeed.db'}"
    url: str = request.getfixturevalue("pg_url")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def standin() -> Iterator[ArxivStandIn]:
    with ArxivStandIn() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, db_url: str, standin: ArxivStandIn) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=db_url,
        arxiv_oai_url=f"{standin.url}/oai",
        arxiv_api_url=f"{standin.url}/api/query",
        arxiv_delay=0,
        arxiv_retries=3,
        arxiv_max_retry_after=2,
        arxiv_timeout=10,
        import_batch_size=4,
    )


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not present at {SHARED_DATA}")
    return SHARED_DATA


def dump_papers(engine: Engine) -> list[tuple[object, ...]]:
    """Every paper row minus row timestamps: what two equivalent runs must agree on."""
    cols = (
        "arxiv_id, version, title, abstract, authors, categories, primary_category, comments,"
        " journal_ref, doi, published_at, updated_at, versions, metadata_date, feed_date,"
        " content_hash"
    )
    with engine.connect() as conn:
        return [
            tuple(r) for r in conn.execute(text(f"SELECT {cols} FROM papers ORDER BY arxiv_id"))
        ]
