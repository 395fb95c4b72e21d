"""The command line: --help everywhere, `up` without arXiv, `db upgrade` and `db check`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from paperfeed.cli.main import app

COMMANDS = [
    [],
    ["db"],
    ["db", "upgrade"],
    ["db", "check"],
    ["harvest"],
    ["fetch"],
    ["import"],
    ["serve"],
    ["up"],
    ["index"],
    ["embed"],
    ["reindex"],
    ["digest"],
    ["digest", "preview"],
    ["digest", "send"],
    ["worker"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "paperfeed")
def test_help_everywhere(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_up_without_arxiv_says_so_in_one_line_and_serves(tmp_path: Path) -> None:
    port = _free_port()
    dead = _free_port()  # nothing listens there: connection refused, as offline
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
    env.update(
        PAPERFEED_DATA_DIR=str(tmp_path / "data"),
        PAPERFEED_PORT=str(port),
        PAPERFEED_ARXIV_OAI_URL=f"http://127.0.0.1:{dead}/oai",
        PAPERFEED_ARXIV_DELAY="0",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperfeed", "up"],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/papers").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("paperfeed up never served")
        page = httpx.get(f"http://127.0.0.1:{port}/papers").text
        assert "No papers yet" in page
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    lines = [x for x in out.splitlines() if "cannot be reached" in x]
    assert len(lines) == 1, out
    assert "serving the 0 papers stored" in out
    assert "Traceback" not in out
    assert (tmp_path / "data" / "paperfeed.db").exists()


def test_db_upgrade_and_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERFEED_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["db", "check"])
    assert result.exit_code == 0 and "agree" in result.output


def test_bad_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERFEED_HARVEST_DAYS", "many")
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "PAPERFEED_HARVEST_DAYS" in result.output
