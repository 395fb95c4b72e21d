"""Upserting records: idempotent, newest version wins, history kept — on both databases."""

from datetime import UTC, date, datetime

from sqlalchemy import Engine, select

from paperfeed.papers.models import Paper
from paperfeed.papers.service import upsert_papers
from paperfeed.sources.snapshot import snapshot_record
from tests import records as R
from tests.conftest import dump_papers

V1 = datetime(2026, 8, 3, 17, 59, tzinfo=UTC)
V2 = datetime(2026, 8, 20, 12, 0, tzinfo=UTC)


def _record(**kw):  # type: ignore[no-untyped-def]
    import orjson

    return snapshot_record(orjson.loads(R.snapshot_line(R.Rec(**kw))), date(2026, 1, 1))


def _write(engine: Engine, *recs):  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        return upsert_papers(conn, list(recs))


def _paper(engine: Engine) -> Paper:
    with engine.connect() as conn:
        return conn.execute(select(Paper.__table__)).one()  # type: ignore[return-value]


def test_same_records_twice_change_nothing(engine: Engine) -> None:
    recs = [_record(id=f"2608.0000{i}", title=f"T{i}") for i in range(1, 4)]
    assert _write(engine, *recs).added == 3
    before = dump_papers(engine)
    counts = _write(engine, *recs)
    assert (counts.added, counts.updated, counts.unchanged) == (0, 0, 3)
    assert dump_papers(engine) == before


def test_newer_version_updates_and_keeps_history_and_feed_day(engine: Engine) -> None:
    _write(engine, _record(id="2608.01234", title="First title", versions=[V1]))
    counts = _write(
        engine,
        _record(id="2608.01234", title="Second title", versions=[V1, V2], datestamp="2026-08-21"),
    )
    assert counts.updated == 1
    row = _paper(engine)
    assert (row.version, row.title) == (2, "Second title")
    assert [v["version"] for v in row.versions] == [1, 2]
    assert row.published_at == V1 and row.updated_at == V2
    assert row.feed_date == date(2026, 8, 4)


def test_older_version_never_overwrites_newer(engine: Engine) -> None:
    _write(engine, _record(id="2608.01234", title="New", versions=[V1, V2], datestamp="2026-08-21"))
    counts = _write(engine, _record(id="2608.01234", title="Old", versions=[V1]))
    assert counts.unchanged == 1
    assert _paper(engine).title == "New"


def test_duplicates_in_one_batch_keep_the_newest(engine: Engine) -> None:
    counts = _write(
        engine,
        _record(id="2608.01234", title="Old", versions=[V1]),
        _record(id="2608.01234", title="New", versions=[V1, V2]),
    )
    assert (counts.added, counts.unchanged) == (1, 1)
    assert _paper(engine).title == "New"


def test_stored_values_read_back_exactly(engine: Engine) -> None:
    _write(
        engine,
        _record(
            id="2608.01234",
            title=r"Schr\"odinger $\alpha$",
            versions=[V1, V2],
            journal_ref="J. X 1",
            doi="10.1/x",
        ),
    )
    row = _paper(engine)
    assert row.title == r"Schrödinger $\alpha$"
    assert row.authors == [
        {"name": "Jane Doe", "affiliations": ["Example Univ."]},
        {"name": "John Roe", "affiliations": []},
    ]
    assert row.categories == "cs.LG cs.AI" and row.primary_category == "cs.LG"
    assert row.updated_at == V2 and row.updated_at.tzinfo is not None
    assert (row.journal_ref, row.doi) == ("J. X 1", "10.1/x")
