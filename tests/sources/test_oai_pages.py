from datetime import UTC, date, datetime

import pytest

from paperfeed.sources.arxiv_oai import MalformedPage, category_set, parse_page
from tests import records as R

TODAY = date(2026, 8, 24)


def _page(recs: list[R.Rec], prefix: str = "arXivRaw", token: str | None = None) -> bytes:
    return R.list_records_page(recs, prefix, token).encode()


def test_arxivraw_record_fields() -> None:
    rec = R.Rec(
        id="2608.01234",
        title="An  invented\n title",
        versions=[
            datetime(2026, 8, 3, 17, 59, tzinfo=UTC),
            datetime(2026, 8, 20, 12, 0, tzinfo=UTC),
        ],
        journal_ref="Proc. XYZ 2026",
        doi="10.1234/abcd",
    )
    page = parse_page(_page([rec], token="tok%3D1"), where="p1", today=TODAY)
    assert page.token == "tok%3D1" and not page.rejects
    (got,) = page.records
    assert got.arxiv_id == "2608.01234" and got.version == 2
    assert got.title == "An invented title"
    assert got.abstract == "We study an invented problem. It has two lines."
    assert [(a.name, a.affiliations) for a in got.authors] == [
        ("Jane Doe", ["Example Univ."]),
        ("John Roe", []),
    ]
    assert got.categories == ["cs.LG", "cs.AI"]
    assert got.published_at == datetime(2026, 8, 3, 17, 59, tzinfo=UTC)
    assert got.updated_at == datetime(2026, 8, 20, 12, 0, tzinfo=UTC)
    assert [v.number for v in got.versions] == [1, 2]
    assert got.feed_date == date(2026, 8, 4)
    assert got.metadata_date == date(2026, 8, 4)
    assert (got.journal_ref, got.doi) == ("Proc. XYZ 2026", "10.1234/abcd")


def test_arxiv_format_keeps_affiliations() -> None:
    rec = R.Rec(id="2608.00002", title="T", authors=[("Doe", "Jane", ["Lab A", "Lab B"])])
    (got,) = parse_page(_page([rec], "arXiv"), where="p1", today=TODAY).records
    assert got.authors[0].name == "Jane Doe"
    assert got.authors[0].affiliations == ["Lab A", "Lab B"]
    assert got.feed_date == date(2026, 8, 4)


def test_bad_record_is_rejected_with_identifier_and_field_the_rest_go_in() -> None:
    good = R.Rec(id="2608.00001", title="Fine")
    bad = R.Rec(id="2608.00003", title="")
    page = parse_page(_page([good, bad]), where="OAI page 1", today=TODAY)
    assert [r.arxiv_id for r in page.records] == ["2608.00001"]
    (reject,) = page.rejects
    assert reject.field == "title" and reject.reason == "missing"
    assert "oai:arXiv.org:2608.00003" in reject.describe()


def test_deleted_records_are_reported_not_stored() -> None:
    page = parse_page(
        _page([R.Rec(id="2608.00004", title="x", deleted=True)]), where="p", today=TODAY
    )
    assert page.records == [] and page.deleted == ["oai:arXiv.org:2608.00004"]


def test_oai_error_is_returned() -> None:
    page = parse_page(R.oai_error("noRecordsMatch", "nothing").encode(), where="p", today=TODAY)
    assert page.error is not None and page.error.code == "noRecordsMatch"


def test_malformed_xml_raises_and_recovery_salvages_complete_records() -> None:
    body = _page(R.many(5))
    cut = body[: body.index(b"2608.00004")]
    with pytest.raises(MalformedPage, match="not well-formed"):
        parse_page(cut, where="OAI page 3", today=TODAY)
    salvaged = parse_page(cut, where="OAI page 3", today=TODAY, recover=True)
    assert [r.arxiv_id for r in salvaged.records][:3] == ["2608.00001", "2608.00002", "2608.00003"]


@pytest.mark.parametrize(
    ("category", "oai_set"),
    [
        ("cs.LG", "cs:cs:LG"),
        ("math.NA", "math:math:NA"),
        ("hep-th", "physics:hep-th"),
        ("astro-ph.GA", "physics:astro-ph:GA"),
        ("q-bio.NC", "q-bio:q-bio:NC"),
        ("cs", "cs"),
    ],
)
def test_category_to_oai_set(category: str, oai_set: str) -> None:
    assert category_set(category) == oai_set
