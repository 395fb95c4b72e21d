"""`paperfeed import` takes files, folders and glob patterns: one progress bar, one done line
with the time and rate, each file's day from its name; pylatexenc's warnings are counted in
the summary, not printed across the bar."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from paperfeed.cli.main import app
from paperfeed.db.engine import make_engine


def _day_file(path: Path, ids: list[str], title: str = "Undated") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [orjson.dumps({"id": i, "title": title, "categories": "cs.LG"}) for i in ids]
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_files_folders_and_globs_in_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _day_file(tmp_path / "days" / "2026-11-23.jsonl", ["2611.00101", "2611.00102"])
    _day_file(tmp_path / "days" / "2026-11-24.jsonl", ["2611.00103"])
    _day_file(tmp_path / "more" / "2026-11-25.jsonl", ["2611.00104"], r"A \\underline x")
    monkeypatch.setenv("PAPERFEED_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PAPERFEED_SEMANTIC_SEARCH", "false")
    runner = CliRunner()
    args = ["import", str(tmp_path / "days"), str(tmp_path / "more" / "*.jsonl"), "--jobs", "2"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    done = next(line for line in result.output.splitlines() if line.startswith("done"))
    assert "import of 3 files: 4 added" in done and " s (" in done and "records/s" in done
    assert "1 TeX macros pylatexenc could only half convert" in result.output
    assert "WARNING" not in result.output
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'paperfeed.db'}")
    with engine.connect() as conn:
        days = dict(conn.execute(text("SELECT arxiv_id, feed_date FROM papers")).all())
    assert {k: str(v)[:10] for k, v in days.items()} == {
        "2611.00101": "2026-11-23",
        "2611.00102": "2026-11-23",
        "2611.00103": "2026-11-24",
        "2611.00104": "2026-11-25",
    }
    missing = runner.invoke(app, ["import", str(tmp_path / "nothing-*.jsonl")])
    assert missing.exit_code == 1 and "no such file, folder or matching pattern" in missing.output
