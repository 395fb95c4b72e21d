"""`fetch ID...` through the arXiv API stand-in."""

from sqlalchemy import Engine, text

from paperfeed.config import Settings
from paperfeed.ingest.fetcher import fetch_ids
from paperfeed.sources.http import PoliteClient
from tests import records as R
from tests.standin import ArxivStandIn


def test_fetch_by_any_id_form_and_report_unknown_and_invalid(
    engine: Engine, settings: Settings, standin: ArxivStandIn
) -> None:
    standin.records = [R.Rec(id="2608.00001", title="One"), R.Rec(id="2608.00002", title="Two")]
    with PoliteClient(delay=0, timeout=5, retries=0, max_retry_after=1) as client:
        summary = fetch_ids(
            engine,
            settings,
            [
                "2608.00001",
                "https://arxiv.org/abs/2608.00002v1",
                "2608.00001v1",
                "2608.09999",
                "not an id",
            ],
            client=client,
        )
    assert (summary.counts.added, summary.counts.rejected) == (2, 2)
    reasons = sorted(r.reason for r in summary.first_rejects)
    assert reasons == ["not an arXiv identifier or URL", "not found on arXiv"]
    assert standin.requests[0][2]["id_list"] == "2608.00001,2608.00002,2608.09999"
    with engine.connect() as conn:
        titles = conn.execute(text("SELECT title FROM papers ORDER BY arxiv_id")).scalars().all()
    assert titles == ["One", "Two"]


def test_ids_are_sent_in_batches_of_100(
    engine: Engine, settings: Settings, standin: ArxivStandIn
) -> None:
    standin.records = R.many(150)
    with PoliteClient(delay=0, timeout=5, retries=0, max_retry_after=1) as client:
        summary = fetch_ids(engine, settings, [r.id for r in standin.records], client=client)
    assert summary.counts.added == 150
    assert [len(p["id_list"].split(",")) for _, _, p in standin.requests] == [100, 50]
