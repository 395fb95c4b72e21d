from datetime import UTC, date, datetime

import pytest

from paperfeed.sources.arxiv_api import ApiError, parse_feed
from tests import records as R


def test_atom_entry_fields() -> None:
    rec = R.Rec(
        id="2608.01234",
        title="Invented $k$ goods",
        versions=[
            datetime(2026, 8, 3, 17, 59, tzinfo=UTC),
            datetime(2026, 8, 20, 12, 0, tzinfo=UTC),
        ],
        doi="10.1/x",
    )
    page = parse_feed(R.atom_feed([R.atom_entry(rec)]).encode(), where="api", today=date.today())
    (got,) = page.records
    assert (got.arxiv_id, got.version, got.title) == ("2608.01234", 2, "Invented $k$ goods")
    assert got.categories == ["cs.LG", "cs.AI"]
    assert got.authors[0].affiliations == ["Example Univ."]
    assert got.published_at == datetime(2026, 8, 3, 17, 59, tzinfo=UTC)
    assert got.feed_date == date(2026, 8, 4)
    assert got.doi == "10.1/x"


def test_error_entry_raises_with_arxiv_message() -> None:
    with pytest.raises(ApiError, match="incorrect id format for abc"):
        parse_feed(
            R.atom_error("incorrect id format for abc").encode(), where="api", today=date.today()
        )


def test_not_xml_raises_clear_error() -> None:
    with pytest.raises(ApiError, match="not well-formed"):
        parse_feed(b"<html>oops", where="api", today=date.today())
