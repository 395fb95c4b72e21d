"""A second server on a taken port says so in one line naming --port, before any work."""

import os
import socket
import subprocess
import sys
from pathlib import Path


def test_a_taken_port_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
        env.update(PAPERFEED_DATA_DIR=str(tmp_path / "data"), PAPERFEED_SEMANTIC_SEARCH="false")
        for command in (["serve"], ["up", "--no-harvest", "--no-worker"]):
            done = subprocess.run(
                [sys.executable, "-m", "paperfeed", *command, "--port", str(port)],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 1, done.stderr
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            assert len(lines) == 1, done.stderr
            assert f"127.0.0.1:{port}" in lines[0] and "--port" in lines[0]
            assert "paperfeed is at" not in done.stderr and "Traceback" not in done.stderr
            assert not (tmp_path / "data" / "paperfeed.db").exists()  # nothing done first
