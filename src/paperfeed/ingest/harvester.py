"""`paperfeed harvest`: OAI-PMH ListRecords with a checkpoint after every page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from paperfeed.config import Settings
from paperfeed.ingest import checkpoints
from paperfeed.ingest.progress import Reporter, Silent
from paperfeed.ingest.rejects import RejectLog
from paperfeed.ingest.summary import RunSummary
from paperfeed.papers.service import Counts, upsert_papers
from paperfeed.sources.arxiv_oai import EMPTY_ERRORS, MalformedPage, OaiPage, parse_page
from paperfeed.sources.http import PoliteClient
from paperfeed.sources.record import Reject

MALFORMED_RETRIES = 2


class HarvestError(RuntimeError):
    """A harvest that cannot go on (an OAI error other than an empty list)."""


@dataclass(frozen=True)
class HarvestRequest:
    set_spec: str | None
    from_date: date | None
    until_date: date | None
    prefix: str

    def params(self) -> dict[str, str]:
        p = {"verb": "ListRecords", "metadataPrefix": self.prefix}
        if self.set_spec:
            p["set"] = self.set_spec
        if self.from_date:
            p["from"] = self.from_date.isoformat()
        if self.until_date:
            p["until"] = self.until_date.isoformat()
        return p


def client_for(settings: Settings, reporter: Reporter | None = None) -> PoliteClient:
    return PoliteClient(
        delay=settings.arxiv_delay,
        timeout=settings.arxiv_timeout,
        retries=settings.arxiv_retries,
        max_retry_after=settings.arxiv_max_retry_after,
        on_wait=(reporter or Silent()).note,
    )


def default_from(engine: Engine, settings: Settings, set_spec: str | None, prefix: str) -> date:
    """Where an incremental harvest starts: the last finished harvest's response date."""
    with engine.begin() as conn:
        state = checkpoints.load(conn, _last_key(settings.arxiv_oai_url, prefix, set_spec))
    if state and state[0].get("response_date"):
        return date.fromisoformat(state[0]["response_date"][:10])
    return datetime.now(UTC).date() - timedelta(days=settings.harvest_days)


def harvest(
    engine: Engine,
    settings: Settings,
    request: HarvestRequest,
    *,
    client: PoliteClient,
    reporter: Reporter | None = None,
) -> RunSummary:
    """Harvest `request`; a run killed at any point resumes at the last checkpointed page."""
    reporter = reporter or Silent()
    key = _key(settings.arxiv_oai_url, request)
    summary = RunSummary(kind=f"harvest {request.set_spec or 'all'}")
    log = RejectLog(settings.rejects_dir, "harvest")
    token, pages = _resume(engine, key, summary)
    resumed_token = token  # only a token from an earlier run may have expired
    reporter.start(f"harvest {request.set_spec or 'all sets'}", None)
    try:
        while True:
            params = (
                {"verb": "ListRecords", "resumptionToken": token} if token else request.params()
            )
            page = _fetch_page(client, settings.arxiv_oai_url, params, pages, log)
            if page.error is not None:
                if page.error.code == "badResumptionToken" and token and token == resumed_token:
                    reporter.note("resumption token expired: starting this harvest over")
                    token = resumed_token = None
                    pages = 0
                    continue
                if page.error.code not in EMPTY_ERRORS:
                    raise HarvestError(str(page.error))
            pages += 1
            token = page.token
            counts = _commit_page(engine, settings, key, request, page, pages)
            summary.counts += counts
            summary.deleted += len(page.deleted)
            log.write(page.rejects)
            reporter.advance(counts.seen, records=counts.seen)
            if not token:
                break
    finally:
        reporter.stop()
    summary.rejects_path = log.path if log.count else None
    summary.first_rejects = log.first
    return summary


def _resume(engine: Engine, key: str, summary: RunSummary) -> tuple[str | None, int]:
    with engine.begin() as conn:
        state = checkpoints.load(conn, key)
    if state is None or state[1] or not state[0].get("token"):
        return None, 0
    summary.resumed = True
    return state[0]["token"], int(state[0].get("pages", 0))


def _fetch_page(
    client: PoliteClient, url: str, params: dict[str, str], pages: int, log: RejectLog
) -> OaiPage:
    today = datetime.now(UTC).date()
    where = f"OAI page {pages + 1}"
    for attempt in range(MALFORMED_RETRIES + 1):
        response = client.get(url, params)
        try:
            return parse_page(response.content, where=where, today=today)
        except MalformedPage as exc:
            if attempt < MALFORMED_RETRIES:
                continue
            # Keep what can be salvaged; the page is reported, the harvest goes on.
            log.write([Reject(where, f"{exc}; salvaged what could be read", "page")])
            try:
                return parse_page(response.content, where=where, today=today, recover=True)
            except MalformedPage as exc2:
                raise HarvestError(f"{exc2} (HTTP {response.status_code})") from exc2
    raise AssertionError("unreachable")


def _commit_page(
    engine: Engine, settings: Settings, key: str, request: HarvestRequest, page: OaiPage, pages: int
) -> Counts:
    with engine.begin() as conn:
        counts = upsert_papers(conn, page.records)
        counts.rejected = len(page.rejects)
        done = not page.token
        position: dict[str, Any] = {"token": page.token, "pages": pages}
        checkpoints.save(conn, key, position, done=done)
        if done:
            last = {"response_date": (page.response_date or datetime.now(UTC)).isoformat()}
            checkpoints.save(
                conn,
                _last_key(settings.arxiv_oai_url, request.prefix, request.set_spec),
                last,
                done=True,
            )
    return counts


def _key(base_url: str, r: HarvestRequest) -> str:
    return f"oai:{base_url}|{r.prefix}|{r.set_spec or ''}|{r.from_date or ''}|{r.until_date or ''}"


def _last_key(base_url: str, prefix: str, set_spec: str | None) -> str:
    return f"oai-last:{base_url}|{prefix}|{set_spec or ''}"
