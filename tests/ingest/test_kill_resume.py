"""SIGKILL a harvest and an import mid-way, restart them: the same database as one clean run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests import records as R
from tests.conftest import dump_papers
from tests.standin import ArxivStandIn

pytestmark = pytest.mark.slow


def _env(db_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
    env.update(
        PAPERFEED_DATABASE_URL=db_url,
        PAPERFEED_DATA_DIR=str(data_dir),
        PAPERFEED_ARXIV_DELAY="0",
        **extra,
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paperfeed", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=120,
        check=False,
    )


def _checkpoint(engine: Engine, prefix: str) -> dict | None:  # type: ignore[type-arg]
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT position, done FROM ingest_checkpoints WHERE key LIKE :k"),
            {"k": prefix + "%"},
        ).first()
    if row is None:
        return None
    import orjson

    pos = row[0] if isinstance(row[0], dict) else orjson.loads(row[0])
    return {**pos, "done": bool(row[1])}


def _kill_when(proc: subprocess.Popen[str], ready, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"finished before it could be killed: {proc.stderr.read() if proc.stderr else ''}"
            )
        if ready():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return
        time.sleep(0.01)
    proc.kill()
    pytest.fail("never reached the point to kill it")


def _reset(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM papers"))
        conn.execute(text("DELETE FROM ingest_checkpoints"))


def test_killed_import_resumes_to_the_same_database(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "snapshot.json"
    path.write_bytes(b"".join(R.snapshot_line(r) for r in R.many(4000)) + b"[not json\n")
    env = _env(db_url, tmp_path / "data", PAPERFEED_IMPORT_BATCH_SIZE="10")
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperfeed", "import", str(path), "--jobs", "1"],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )

    def midway() -> bool:
        try:
            cp = _checkpoint(engine, "import:")
        except Exception:  # the schema may not exist yet
            return False
        return bool(cp) and 300 <= cp["line"] < 3500 and not cp["done"]

    _kill_when(proc, midway)
    resumed = _run(["import", str(path), "--jobs", "1"], env)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed from a checkpoint" in resumed.stderr
    assert "1 rejected" in resumed.stderr.replace("\n", " ")
    after_kill = dump_papers(engine)
    assert len(after_kill) == 4000
    _reset(engine)
    clean = _run(["import", str(path), "--jobs", "2"], env)
    assert clean.returncode == 0, clean.stderr
    assert dump_papers(engine) == after_kill


def test_killed_harvest_resumes_to_the_same_database(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    with ArxivStandIn(R.many(30), page_size=3) as standin:
        standin.delay = 0.15
        env = _env(db_url, tmp_path / "data", PAPERFEED_ARXIV_OAI_URL=f"{standin.url}/oai")
        args = ["harvest", "--set", "cs:cs:LG", "--from", "2026-08-01"]
        proc = subprocess.Popen(
            [sys.executable, "-m", "paperfeed", *args],
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

        def midway() -> bool:
            try:
                cp = _checkpoint(engine, "oai:")
            except Exception:
                return False
            return bool(cp) and 3 <= cp["pages"] < 9 and not cp["done"]

        _kill_when(proc, midway)
        standin.requests.clear()
        resumed = _run(args, env)
        assert resumed.returncode == 0, resumed.stderr
        assert "resumptionToken" in standin.requests[0][2]
        after_kill = dump_papers(engine)
        assert len(after_kill) == 30
        _reset(engine)
        standin.delay = 0
        clean = _run(args, env)
        assert clean.returncode == 0, clean.stderr
        assert dump_papers(engine) == after_kill
