"""A fleet's replica refuses to start on a schema other than its code's, saying what to do;
with migrate-on-start (one machine) an older schema is brought up to date instead."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from paperfeed.db.migrate import current_revision, head_revision


@pytest.fixture
def at_revision(engine: Engine) -> Iterator[Callable[[str], None]]:
    head = head_revision(engine)

    def put(revision: str) -> None:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})

    yield put
    put(str(head))  # (the PostgreSQL test database is shared by the next tests)


def _serve(db_url: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
    clean.update(
        PAPERFEED_DATA_DIR=str(tmp_path / "data"), PAPERFEED_DATABASE_URL=db_url, COLUMNS="200"
    )
    return subprocess.run(
        [sys.executable, "-m", "paperfeed", "serve", "--port", "0"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unmigrated_schema_is_refused(
    engine: Engine,
    db_url: str,
    tmp_path: Path,
    at_revision: callable,  # type: ignore[valid-type]
) -> None:
    at_revision("0008")
    done = _serve(db_url, tmp_path, PAPERFEED_MIGRATE_ON_START="false")
    assert done.returncode == 1
    said = done.stdout + done.stderr
    assert "schema revision 0008" in said and "paperfeed db upgrade" in said, said
    assert current_revision(engine) == "0008"  # nothing was changed


def test_a_schema_newer_than_the_code_is_refused_even_when_migrating(
    engine: Engine,
    db_url: str,
    tmp_path: Path,
    at_revision: callable,  # type: ignore[valid-type]
) -> None:
    at_revision("ffff0001")
    done = _serve(db_url, tmp_path)
    assert done.returncode == 1
    assert "schema newer than this code" in done.stdout + done.stderr
