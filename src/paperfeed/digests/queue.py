"""The job queue (Huey): periodic work of an instance, run by `paperfeed worker` or inside
`paperfeed up`. Storage: SQLite in DATA_DIR (embedded default) or Redis (scaled out).

Periodic tasks: every minute, plan the digests that are due and send what is pending;
every five minutes, index new papers for keyword search and embed them for semantic
search; every hour at :17, harvest the configured categories. Each task is idempotent and
keeps its state in the database, so a task killed half-way is simply run again. However
many workers run, each task runs once per period (fleet/periods.py: a claimed row per job
and period); the digests run brings its own host's keyword index current first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from huey import Huey, RedisHuey, SqliteHuey, crontab

from paperfeed.fleet.periods import Period, once_per_period

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from paperfeed.config import Settings

log = logging.getLogger(__name__)


@dataclass
class Queue:
    huey: Huey
    tasks: dict[str, Any]  # name -> Huey task wrapper (call it to enqueue the task)


def make_queue(settings: Settings) -> Queue:
    """The queue for these settings, with the periodic tasks registered on it."""
    kind = settings.worker_queue
    if kind == "auto":
        kind = "redis" if settings.redis_url else "sqlite"
    huey: Huey
    if kind == "redis":
        if not settings.redis_url:
            raise ValueError("PAPERFEED_WORKER_QUEUE=redis needs PAPERFEED_REDIS_URL")
        huey = RedisHuey("paperfeed", url=settings.redis_url, results=False)
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("paperfeed", filename=str(settings.data_dir / "queue.db"), results=False)

    @huey.periodic_task(crontab(minute="*"), name="digests")
    def digests() -> None:
        once(settings, "digests", run_digests)

    @huey.periodic_task(crontab(minute="*/5"), name="search-indexes")
    def search_indexes() -> None:
        once(settings, "search-indexes", run_indexing)

    @huey.periodic_task(crontab(minute="17"), name="harvest")
    def harvest() -> None:
        once(settings, "harvest", run_harvest)

    @huey.periodic_task(crontab(minute="*/10"), name="thumbnails")
    def thumbnails() -> None:
        once(settings, "thumbnails", run_thumbnails)

    return Queue(
        huey,
        {
            "digests": digests,
            "search-indexes": search_indexes,
            "harvest": harvest,
            "thumbnails": thumbnails,
        },
    )


# each job's period in minutes, as its crontab above
PERIODS = {
    "digests": Period(1),
    "search-indexes": Period(5),
    "harvest": Period(60),
    "thumbnails": Period(10),
}


def once(settings: Settings, name: str, job: Callable[[Settings], None]) -> None:
    """Run `job` unless another worker has this period's run (however many workers tick)."""
    engine = _engine(settings.sqlalchemy_url)
    beat = settings.job_heartbeat_seconds
    with once_per_period(engine, name, PERIODS[name], heartbeat=beat) as mine:
        if mine:
            job(settings)


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    from paperfeed.db.engine import make_engine

    return make_engine(url)


def run_thumbnails(settings: Settings) -> None:
    """Thumbnails of the last three days' papers that have none (failures are marked and
    logged, never raised: the worker goes on)."""
    from paperfeed.ingest.harvester import client_for
    from paperfeed.papers.thumbnails import make_thumbnails

    with client_for(settings) as client:
        run = make_thumbnails(_engine(settings.sqlalchemy_url), settings, client, days=3)
    if run.made or run.failed:
        log.info("thumbnails: %d made, %d failed", run.made, len(run.failed))


def run_digests(settings: Settings) -> None:
    from paperfeed.digests.delivery import plan_due, send_pending
    from paperfeed.search.indexing import keyword_path
    from paperfeed.search.keyword import KeywordIndex

    engine = _engine(settings.sqlalchemy_url)
    run_keyword(settings)  # topics are searched on this host's index
    planned = plan_due(engine)
    result = send_pending(engine, settings, keyword=KeywordIndex(keyword_path(settings)))
    if planned or result.sent or result.failed or result.retried:
        log.info("digests: %d planned, %s", planned, result)


def run_keyword(settings: Settings) -> None:
    """Bring this host's keyword index up to the papers table (every worker, every pass)."""
    from paperfeed.search.indexing import keyword_path, sync_keyword
    from paperfeed.search.keyword import IndexBusy, KeywordIndex

    try:
        sync_keyword(_engine(settings.sqlalchemy_url), KeywordIndex(keyword_path(settings)))
    except IndexBusy:
        log.info("keyword index busy; next run")


def run_indexing(settings: Settings) -> None:
    """Embed new papers (into the database, for every host) and prune the change sequence:
    once per period for the whole fleet."""
    from paperfeed.search.indexing import embed_pending, prune_outbox

    engine = _engine(settings.sqlalchemy_url)
    pruned = prune_outbox(engine)
    if pruned:
        log.info("search outbox: %d old rows pruned", pruned)
    if settings.semantic_search:
        embed_pending(engine, settings)


def run_harvest(settings: Settings) -> None:
    from paperfeed.ingest.harvester import (
        HarvestError,
        HarvestRequest,
        client_for,
        default_from,
        harvest,
    )
    from paperfeed.ingest.progress import Silent
    from paperfeed.sources.arxiv_oai import category_set
    from paperfeed.sources.http import UpstreamUnavailable

    engine = _engine(settings.sqlalchemy_url)
    prefix = settings.oai_metadata_prefix
    with client_for(settings, Silent()) as client:
        for set_spec in {category_set(c) for c in settings.categories}:
            start = default_from(engine, settings, set_spec, prefix)
            try:
                harvest(
                    engine,
                    settings,
                    HarvestRequest(set_spec, start, None, prefix),
                    client=client,
                    reporter=Silent(),
                )
            except (UpstreamUnavailable, HarvestError) as exc:
                log.warning("harvest of %s stopped: %s", set_spec, exc)
                return
