"""OAI-PMH harvest against the local stand-in: paging, politeness, errors, checkpoints."""

from datetime import date

import pytest
from sqlalchemy import Engine, text

from paperfeed.config import Settings
from paperfeed.ingest.harvester import HarvestError, HarvestRequest, harvest
from paperfeed.sources.http import PoliteClient, UpstreamUnavailable
from tests import records as R
from tests.standin import ArxivStandIn, Canned


class Clock:
    """Records the waits the client asks for, without spending them."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _client(settings: Settings, clock: Clock, delay: float | None = None) -> PoliteClient:
    return PoliteClient(
        delay=settings.arxiv_delay if delay is None else delay,
        timeout=5,
        retries=settings.arxiv_retries,
        max_retry_after=settings.arxiv_max_retry_after,
        sleep=clock,
    )


def _ids(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT arxiv_id FROM papers ORDER BY arxiv_id"))]


REQ = HarvestRequest("cs:cs:LG", date(2026, 8, 1), None, "arXivRaw")


def test_pages_through_resumption_tokens(
    engine: Engine, settings: Settings, standin: ArxivStandIn
) -> None:
    standin.records = R.many(8)
    clock = Clock()
    with _client(settings, clock, delay=3.0) as client:
        summary = harvest(engine, settings, REQ, client=client)
    assert summary.counts.added == 8
    assert _ids(engine) == [f"2608.{i:05d}" for i in range(1, 9)]
    tokens = [p.get("resumptionToken") for _, _, p in standin.requests]
    assert tokens[0] is None and all(tokens[1:]) and len(tokens) == 3
    # politeness: a pause before every request after the first, up to the 3 s delay
    assert len(clock.waits) == 2 and all(0 < w <= 3.0 for w in clock.waits)


def test_503_retry_after_is_honoured(
    engine: Engine, settings: Settings, standin: ArxivStandIn
) -> None:
    standin.records = R.many(2)
    standin.queue.append(Canned(503, "busy", {"Retry-After": "2"}))
    clock = Clock()
    with _client(settings, clock) as client:
        summary = harvest(engine, settings, REQ, client=client)
    assert summary.counts.added == 2
    assert clock.waits[0] == 2.0
    assert len(standin.requests) == 2


def test_persistent_503_gives_a_clear_error(
    engine: Engine, settings: Settings, standin: ArxivStandIn
) -> None:
    for _ in range(5):
        standin.queue.append(Canned(503, "busy", {"Retry-After": "1"}))
    with _client(settings, Clock()) as client, pytest.raises(UpstreamUnavailable, match="503"):
        harvest(engine, settings, REQ, client=client)


def test_no_records_match_is_an_empty_harvest(
    engine: Engine, settings: Settings, standin: ArxivStandIn
) -> None:
    with _client(settings, Clock()) as client:
        summary = harvest(engine, settings, REQ, client=client)
    assert summary.counts.seen == 0 and _ids(engine) == []


def test_other_oai_errors_stop_with_their_message(
    engine: Engine, settings: Settings, standin: ArxivStandIn
) -> None:
    standin.queue.append(Canned(200, R.oai_error("badArgument", "Illegal argument 'foo'")))
    with _client(settings, Clock()) as client, pytest.raises(HarvestError, match="badArgument"):
        harvest(engine, settings, REQ, client=client)


def test_malformed_page_is_retried_then_salvaged(
    engine: Engine, settings: Settings, standin: ArxivStandIn
) -> None:
    standin.records = R.many(6)
    standin.malformed_pages = {3}  # the second page comes back cut in half, once
    with _client(settings, Clock()) as client:
        summary = harvest(engine, settings, REQ, client=client)
    assert summary.counts.added == 6 and summary.counts.rejected == 0


def test_killed_harvest_resumes_from_its_checkpoint(
    engine: Engine, settings: Settings, standin: ArxivStandIn
) -> None:
    standin.records = R.many(9)
    # the third request fails for good: two pages are committed with their checkpoint
    with _client(settings, Clock()) as client:
        original = standin.answer

        calls = {"n": 0}

        def flaky(path, params):  # type: ignore[no-untyped-def]
            calls["n"] += 1
            if calls["n"] == 3:
                return Canned(500, "down")
            return original(path, params)

        standin.answer = flaky  # type: ignore[method-assign]
        settings_no_retry = settings.model_copy(update={"arxiv_retries": 0})
        no_retry = PoliteClient(delay=0, timeout=5, retries=0, max_retry_after=1, sleep=Clock())
        with pytest.raises(UpstreamUnavailable):
            harvest(engine, settings_no_retry, REQ, client=no_retry)
        assert len(_ids(engine)) == 6
        standin.answer = original  # type: ignore[method-assign]
        standin.requests.clear()
        summary = harvest(engine, settings, REQ, client=client)
    assert summary.resumed and summary.counts.added == 3
    assert "resumptionToken" in standin.requests[0][2]  # went on from page 3, not page 1
    assert len(_ids(engine)) == 9


def test_expired_token_on_resume_starts_over_without_duplicates(
    engine: Engine, settings: Settings, standin: ArxivStandIn
) -> None:
    standin.records = R.many(6)
    with engine.begin() as conn:
        from paperfeed.ingest import checkpoints
        from paperfeed.ingest.harvester import _key

        checkpoints.save(conn, _key(settings.arxiv_oai_url, REQ), {"token": "old", "pages": 1})
    standin.expired_tokens = {"old"}
    with _client(settings, Clock()) as client:
        summary = harvest(engine, settings, REQ, client=client)
    assert summary.counts.added == 6 and len(_ids(engine)) == 6
    assert standin.requests[0][2] == {"verb": "ListRecords", "resumptionToken": "old"}
    assert "resumptionToken" not in standin.requests[1][2]  # started over


def test_token_expiring_mid_run_is_an_error_not_a_loop(
    engine: Engine, settings: Settings, standin: ArxivStandIn
) -> None:
    standin.records = R.many(6)
    with _client(settings, Clock()) as client:
        first = harvest(engine, settings, REQ, client=client)
    token = standin.requests[1][2]["resumptionToken"]
    standin.expired_tokens = {token}
    with _client(settings, Clock()) as client, pytest.raises(HarvestError, match="badResumption"):
        harvest(engine, settings, REQ, client=client)  # a finished harvest starts afresh
    assert first.counts.added == 6
