"""Stray classification strings among a record's categories are skipped, the paper kept, and
the summary says how many papers had them (with an example: file, line, id)."""

from pathlib import Path

import orjson
from sqlalchemy import Engine, text

from paperfeed.ingest.importer import import_file

BASE = {"title": "Kept", "authors": ["Jane Doe"], "published": "2026-11-19T10:00:00Z"}


def test_papers_with_stray_strings_are_kept_and_told(engine: Engine, tmp_path: Path) -> None:
    rows = [
        {**BASE, "id": "2611.00011", "categories": ["cs.LG", "68"]},
        {**BASE, "id": "2611.00012", "categories": ["cs.AI", "I.2.7; I.2.6", "2020: 00A69"]},
        {**BASE, "id": "2611.00013", "categories": ["cs.CL"]},
    ]
    path = tmp_path / "2026-11-20.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    summary = import_file(engine, path, rejects_dir=tmp_path / "rejects", fmt="jsonl")
    assert summary.counts.added == 3 and summary.counts.rejected == 0
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT arxiv_id, categories FROM papers")).all())
    assert stored == {"2611.00011": "cs.LG", "2611.00012": "cs.AI", "2611.00013": "cs.CL"}
    (note,) = summary.notes
    assert note.startswith("2 papers kept") and "2026-11-20.jsonl:1, id 2611.00011" in note
