"""`paperfeed fetch ID...`: papers by id through the arXiv API, in polite batches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine

from paperfeed.config import Settings
from paperfeed.ingest.progress import Reporter, Silent
from paperfeed.ingest.rejects import RejectLog
from paperfeed.ingest.summary import RunSummary
from paperfeed.papers.ids import parse_arxiv_id
from paperfeed.papers.service import Counts, upsert_papers
from paperfeed.sources.arxiv_api import ApiError, batches, parse_feed
from paperfeed.sources.http import PoliteClient
from paperfeed.sources.record import Reject


def fetch_ids(
    engine: Engine,
    settings: Settings,
    ids: Sequence[str],
    *,
    client: PoliteClient,
    reporter: Reporter | None = None,
) -> RunSummary:
    """Fetch and store `ids` (any form: id, versioned id, abs/pdf URL); unknown ids rejected."""
    reporter = reporter or Silent()
    summary = RunSummary(kind="fetch")
    log = RejectLog(settings.rejects_dir, "fetch")
    wanted: list[str] = []
    bad: list[Reject] = []
    for raw in ids:
        parsed = parse_arxiv_id(raw)
        if parsed is None:
            bad.append(Reject(f"argument {raw!r}", "not an arXiv identifier or URL", "id"))
        elif parsed.base not in wanted:
            wanted.append(parsed.base)
    log.write(bad)
    summary.counts.rejected += len(bad)
    reporter.start("fetch from arXiv API", len(wanted))
    try:
        for batch in batches(wanted):
            summary.counts += _fetch_batch(engine, settings, batch, client, log)
            reporter.advance(len(batch), records=len(batch))
    finally:
        reporter.stop()
    summary.rejects_path = log.path if log.count else None
    summary.first_rejects = log.first
    return summary


def _fetch_batch(
    engine: Engine, settings: Settings, batch: list[str], client: PoliteClient, log: RejectLog
) -> Counts:
    params = {"id_list": ",".join(batch), "start": "0", "max_results": str(len(batch))}
    response = client.get(settings.arxiv_api_url, params)
    page = parse_feed(
        response.content, where=f"API {','.join(batch)[:60]}", today=datetime.now(UTC).date()
    )
    if response.status_code >= 400:
        raise ApiError(f"arXiv API answered HTTP {response.status_code}")
    found = {r.arxiv_id for r in page.records}
    missing = [
        Reject(f"API id_list {i}", "not found on arXiv", "id", i)
        for i in batch
        if i not in found and i not in {r.record_id for r in page.rejects}
    ]
    with engine.begin() as conn:
        counts = upsert_papers(conn, page.records)
    counts.rejected = len(page.rejects) + len(missing)
    log.write(page.rejects + missing)
    return counts
