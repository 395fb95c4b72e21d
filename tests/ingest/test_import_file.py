"""`import FILE`: streaming, rejects with file:line and field, .gz, generic schema, idempotent."""

import gzip
from datetime import date
from pathlib import Path

import orjson
import pytest
from sqlalchemy import Engine, text

from paperfeed.config import Settings
from paperfeed.ingest.importer import import_file
from tests import records as R
from tests.conftest import dump_papers


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM papers")).scalar_one()


def _snapshot(path: Path, recs: list[R.Rec], extra: dict[int, bytes] | None = None) -> Path:
    lines = [R.snapshot_line(r) for r in recs]
    for at, line in sorted((extra or {}).items()):
        lines.insert(at, line)
    path.write_bytes(b"".join(lines))
    return path


BAD_LINES = {
    1: b'{"id": "2608.09991", "title": "cut in the mid\n',
    3: b"[1, 2, 3]\n",
    5: b'{"id": "2608.09992", "title": "bad \xff\xfe utf8"}\n',
    7: orjson.dumps(
        {
            "id": "2608.09993",
            "title": None,
            "versions": [],
            "update_date": None,
            "authors_parsed": [],
        }
    )
    + b"\n",
    9: orjson.dumps(
        {
            "id": "2608.09994",
            "title": "x" * 5000,
            "versions": [],
            "update_date": None,
            "authors_parsed": [],
        }
    )
    + b"\n",
}


def test_bad_lines_are_rejected_with_where_and_why_rest_goes_in(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    path = _snapshot(tmp_path / "snap.json", R.many(8), BAD_LINES)
    summary = import_file(engine, path, rejects_dir=settings.rejects_dir, batch_size=3)
    assert (summary.counts.added, summary.counts.rejected) == (8, 5)
    assert _count(engine) == 8
    assert summary.rejects_path is not None
    rejects = [orjson.loads(x) for x in summary.rejects_path.read_bytes().splitlines()]
    by_line = {r["where"]: r for r in rejects}
    assert set(by_line) == {
        "snap.json:2",
        "snap.json:4",
        "snap.json:6",
        "snap.json:8",
        "snap.json:10",
    }
    assert "not valid JSON" in by_line["snap.json:2"]["reason"]
    assert "expected a JSON object" in by_line["snap.json:4"]["reason"]
    assert "UTF-8" in by_line["snap.json:6"]["reason"]
    assert (by_line["snap.json:8"]["field"], by_line["snap.json:8"]["id"]) == (
        "title",
        "2608.09993",
    )
    assert (
        by_line["snap.json:10"]["field"] == "title"
        and "too long" in by_line["snap.json:10"]["reason"]
    )


def test_truncated_last_line_is_rejected(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "cut.json"
    path.write_bytes(b"".join(R.snapshot_line(r) for r in R.many(3)) + b'{"id": "2608.1')
    summary = import_file(engine, path, rejects_dir=settings.rejects_dir)
    assert (summary.counts.added, summary.counts.rejected) == (3, 1)
    assert "truncated" in summary.first_rejects[0].reason


def test_importing_twice_changes_nothing(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    path = _snapshot(tmp_path / "snap.json", R.many(10))
    first = import_file(engine, path, rejects_dir=settings.rejects_dir, batch_size=4)
    before = dump_papers(engine)
    second = import_file(engine, path, rejects_dir=settings.rejects_dir, batch_size=4)
    assert first.counts.added == 10
    assert (second.counts.added, second.counts.updated, second.counts.unchanged) == (0, 0, 10)
    assert dump_papers(engine) == before


def test_gzip_file_gives_the_same_papers(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    plain = _snapshot(tmp_path / "a.json", R.many(7))
    gz = tmp_path / "a.json.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    summary = import_file(engine, gz, rejects_dir=settings.rejects_dir, batch_size=3, jobs=2)
    assert summary.counts.added == 7
    again = import_file(engine, plain, rejects_dir=settings.rejects_dir)
    assert again.counts.unchanged == 7


def test_worker_processes_give_the_same_database(
    db_url: str, settings: Settings, tmp_path: Path, engine: Engine
) -> None:
    path = _snapshot(tmp_path / "snap.json", R.many(25), BAD_LINES)
    summary = import_file(engine, path, rejects_dir=settings.rejects_dir, batch_size=4, jobs=2)
    assert (summary.counts.added, summary.counts.rejected) == (25, 5)
    parallel = dump_papers(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM papers"))
        conn.execute(text("DELETE FROM ingest_checkpoints"))
    import_file(engine, path, rejects_dir=settings.rejects_dir, batch_size=7, jobs=1)
    assert dump_papers(engine) == parallel


def test_generic_jsonl_schema(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "2026-06-02.jsonl"
    rows = [
        {
            "id": "2606.00001",
            "title": "Listing record",
            "summary": "An abstract.",
            "authors": ["Ann Poe", r"Jos\'e Ruiz"],
            "categories": ["cs.CL", "cs.AI", "I.2.7"],
            "comment": "8 pages",
        },
        {
            "id": "2606.00002v2",
            "title": "With dates",
            "abstract": "B",
            "authors": [{"name": "Jane Doe", "affiliations": ["Lab"]}],
            "categories": "cs.LG",
            "published": "2026-05-28T10:00:00Z",
            "updated": "2026-06-01T09:00:00Z",
        },
        {"id": "2606.00003", "title": "Bad authors", "authors": 7},
    ]
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    summary = import_file(engine, path, rejects_dir=settings.rejects_dir)
    assert (summary.counts.added, summary.counts.rejected) == (2, 1)
    assert summary.first_rejects[0].field == "authors"
    with engine.connect() as conn:
        got = conn.execute(
            text(
                "SELECT arxiv_id, version, categories, feed_date, comments"
                " FROM papers ORDER BY arxiv_id"
            )
        ).all()
    assert got[0][:3] == ("2606.00001", 1, "cs.CL cs.AI")
    assert str(got[0][3]) == "2026-06-02" and got[0][4] == "8 pages"  # day from the file name
    assert got[1][:3] == ("2606.00002", 2, "cs.LG")
    # Thursday 06:00 EDT, before the cutoff: announced that evening, listed Friday
    assert str(got[1][3]) == str(date(2026, 5, 29))


@pytest.mark.parametrize("fmt", ["nonsense"])
def test_unknown_format_is_refused(
    engine: Engine, settings: Settings, tmp_path: Path, fmt: str
) -> None:
    path = _snapshot(tmp_path / "a.json", R.many(1))
    with pytest.raises(ValueError, match="unknown format"):
        import_file(engine, path, rejects_dir=settings.rejects_dir, fmt=fmt)
