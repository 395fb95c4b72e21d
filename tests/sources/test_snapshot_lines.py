from datetime import date

import orjson
import pytest

from paperfeed.sources.record import RecordError
from paperfeed.sources.snapshot import snapshot_record
from tests import records as R

FALLBACK = date(2026, 1, 1)


def test_snapshot_line_fields() -> None:
    obj = orjson.loads(R.snapshot_line(R.Rec(id="2608.01234", title="T", datestamp="2026-08-21")))
    got = snapshot_record(obj, FALLBACK)
    assert got.arxiv_id == "2608.01234" and got.version == 1
    assert got.authors[0].affiliations == ["Example Univ."]
    assert got.metadata_date == date(2026, 8, 21)
    assert got.feed_date == date(2026, 8, 4)
    assert got.submitter == "Jane Doe"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": None}, "title"),
        ({"title": 42}, "title"),
        ({"id": "not-an-id"}, "id"),
        ({"id": None}, "id"),
        ({"abstract": "x" * 30_000}, "abstract"),
        ({"categories": ["cs.LG", 3]}, "categories"),
        ({"versions": "v1"}, "versions"),
        ({"versions": [{"version": "v1", "created": "yesterday"}]}, "versions"),
        ({"authors_parsed": "Doe, Jane"}, "authors_parsed"),
        ({"update_date": "21/08/2026"}, "update_date"),
    ],
)
def test_bad_field_is_named(change: dict[str, object], field: str) -> None:
    obj = orjson.loads(R.snapshot_line(R.Rec(id="2608.01234", title="T")))
    obj.update(change)
    with pytest.raises(RecordError) as err:
        snapshot_record(obj, FALLBACK)
    assert err.value.field == field
