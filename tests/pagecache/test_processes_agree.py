"""`paperfeed serve --workers 2`: two processes, each with its own page cache, never serve a
page older than the last write (the generation lives in the database they share)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import Engine

from tests import records as R
from tests.web.conftest import PAPERS, THU, store


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def test_two_processes_serve_the_write_at_once(engine: Engine, db_url: str, tmp_path: Path) -> None:
    store(engine, PAPERS)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
    env.update(
        PAPERFEED_DATA_DIR=str(tmp_path / "data"),
        PAPERFEED_DATABASE_URL=db_url,
        PAPERFEED_SEMANTIC_SEARCH="false",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "paperfeed", "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    page = f"{base}/papers/date/2026-08-07"
    try:
        _wait(f"{base}/healthz")
        with httpx.Client() as client:
            answers = {client.get(page).status_code for _ in range(40)}  # both cache it
            assert answers == {200}
            store(
                engine, [R.Rec(id="2608.00088", title="Written between requests", versions=[THU])]
            )
            seen = [("Written between requests" in client.get(page).text) for _ in range(40)]
        assert all(seen), f"{seen.count(False)} of 40 answers were stale"
    finally:
        os.killpg(server.pid, signal.SIGINT)
        out = server.communicate(timeout=30)[0].decode()
    assert "with 2 processes" in out, out
