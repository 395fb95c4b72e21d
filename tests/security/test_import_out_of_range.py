"""A record with a version or a date no database column can hold is rejected with its
reason and field; the rest of its batch goes in (SQLite and PostgreSQL)."""

from pathlib import Path

import orjson
from sqlalchemy import Engine, text

from paperfeed.ingest.importer import import_file

GOOD = {"title": "Fine", "authors": ["Jane Doe"], "categories": "cs.LG",
        "published": "2026-11-19T10:00:00Z"}  # fmt: skip


def test_out_of_range_records_are_rejected_alone(engine: Engine, tmp_path: Path) -> None:
    rows = [
        {**GOOD, "id": "2611.00001"},
        {**GOOD, "id": "2611.00002", "version": 2**63, "updated": "2026-11-19T11:00:00Z"},
        {**GOOD, "id": "2611.00003", "version": 2**31, "updated": "2026-11-19T11:00:00Z"},
        {**GOOD, "id": "2611.00004", "published": "9999-12-31T23:00:00Z"},
        {**GOOD, "id": "2611.00005", "published": "0001-01-01T00:00:00Z"},
        {**GOOD, "id": "2611.00006"},
    ]
    path = tmp_path / "2026-11-20.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    summary = import_file(engine, path, rejects_dir=tmp_path / "rejects", batch_size=10)
    with engine.connect() as conn:
        stored = [r[0] for r in conn.execute(text("SELECT arxiv_id FROM papers ORDER BY 1"))]
    assert stored == ["2611.00001", "2611.00006"]
    reasons = {r.record_id: (r.field, r.where) for r in summary.first_rejects}
    assert reasons["2611.00002"] == ("versions", "2026-11-20.jsonl:2")
    assert reasons["2611.00003"][0] == "versions"
    assert reasons["2611.00004"] == ("dates", "2026-11-20.jsonl:4")
    assert reasons["2611.00005"][0] == "dates"
