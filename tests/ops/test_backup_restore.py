"""`paperfeed backup` while the site runs, `paperfeed restore` into a fresh folder or
database: every paper, account, vote, comment and subscription is back, the secret key too,
and search works after the indexes rebuild (both databases, the real commands)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from paperfeed.app import create_app
from paperfeed.config import Settings
from paperfeed.db.engine import make_engine
from paperfeed.digests.tokens import signing_secret
from paperfeed.ops.backup import row_counts
from tests.digests.conftest import add_subscribers
from tests.web.conftest import PAPERS, store

NOW = datetime(2026, 8, 7, 12, tzinfo=UTC)


def _community(engine: Engine) -> None:
    with engine.begin() as conn:
        for i in range(3):
            conn.execute(
                text(
                    "INSERT INTO users (email, display_name, password_hash, role, created_at)"
                    " VALUES (:e, :n, 'x', 'user', :t)"
                ),
                {"e": f"r{i}@example.org", "n": f"Reader {i}", "t": NOW},
            )
        users = [r[0] for r in conn.execute(text("SELECT id FROM users"))]
        papers = [r[0] for r in conn.execute(text("SELECT id FROM papers"))]
        for u in users:
            conn.execute(
                text("INSERT INTO votes (user_id, paper_id, created_at) VALUES (:u, :p, :t)"),
                {"u": u, "p": papers[0], "t": NOW},
            )
        conn.execute(
            text(
                "INSERT INTO comments (paper_id, user_id, body, created_at)"
                " VALUES (:p, :u, 'Good one', :t)"
            ),
            {"p": papers[0], "u": users[0], "t": NOW},
        )
    add_subscribers(engine, ["a@example.org", "b@example.org"])


def _cli(args: list[str], data: Path, db_url: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
    env.update(PAPERFEED_DATA_DIR=str(data), PAPERFEED_SEMANTIC_SEARCH="false", COLUMNS="200")
    if db_url:
        env["PAPERFEED_DATABASE_URL"] = db_url
    done = subprocess.run(
        [sys.executable, "-m", "paperfeed", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture
def target_url(db_url: str, pg_url: str) -> Iterator[str | None]:
    """Where to restore: a new SQLite file in a new data folder (None), or a new database."""
    if db_url.startswith("sqlite"):
        yield None
        return
    name = f"paperfeed_restore_{uuid.uuid4().hex[:8]}"
    admin = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{pg_url.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_everything_and_search_comes_back(
    engine: Engine, db_url: str, settings: Settings, tmp_path: Path, target_url: str | None
) -> None:
    store(engine, PAPERS)
    _community(engine)
    key = signing_secret(settings)  # made in the data folder, as `serve` does
    with TestClient(create_app(settings, engine)) as running:  # the site runs meanwhile
        assert running.get("/papers/date/2026-08-07").status_code == 200
        done = _cli(["backup", str(tmp_path / "bk")], settings.data_dir, db_url)
    said = done.stdout + done.stderr
    assert f"{len(PAPERS)} papers" in said and "3 accounts" in said
    restored_dir = tmp_path / "restored"
    _cli(["restore", str(tmp_path / "bk")], restored_dir, target_url)
    url = target_url or f"sqlite:///{restored_dir / 'paperfeed.db'}"
    restored = make_engine(url)
    try:
        before, after = row_counts(engine), row_counts(restored)
        assert after == before
        assert after["papers"] == len(PAPERS) and after["votes"] == 3
        assert after["comments"] == 1 and after["digest_subscriptions"] == 2
        assert (restored_dir / "secret.key").read_text().strip() == key
        again = settings.model_copy(update={"data_dir": restored_dir, "database_url": url})
        with TestClient(create_app(again, restored)) as client:  # the index rebuilds
            hits = client.get("/api/papers/search", params={"q": "Friday"}).json()
            assert [h["paper"]["id"] for h in hits] == ["2608.00004"]
    finally:
        restored.dispose()


def test_restore_refuses_a_database_with_tables(
    engine: Engine, db_url: str, settings: Settings, tmp_path: Path
) -> None:
    store(engine, PAPERS)
    _cli(["backup", str(tmp_path / "bk")], settings.data_dir, db_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
    env.update(PAPERFEED_DATA_DIR=str(settings.data_dir), PAPERFEED_DATABASE_URL=db_url)
    done = subprocess.run(
        [sys.executable, "-m", "paperfeed", "restore", str(tmp_path / "bk")],
        env={**env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "already has tables" in done.stdout + done.stderr
