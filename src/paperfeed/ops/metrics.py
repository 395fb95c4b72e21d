"""Prometheus metrics at /metrics (prometheus-client).

Per process: request latency by route, kept in the multiprocess directory when
`paperfeed serve --workers N` runs several (PROMETHEUS_MULTIPROC_DIR, set by serve), so that
one scrape sees them all. Read at scrape time from the database and this process: queue
depth, index lag, digests by state, papers stored, periodic runs by outcome."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from paperfeed.config import Settings
    from paperfeed.search.indexes import SearchIndexes

log = logging.getLogger(__name__)

LATENCY = Histogram(
    "paperfeed_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and status class.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


class MetricsMiddleware:
    """Times every HTTP request by its route's template (/papers/{arxiv_id}), never by
    its raw path (one series per paper would swamp Prometheus)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/metrics":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, timed)
        finally:
            route = scope.get("route")
            name = getattr(route, "path", None) or (
                "/static" if scope["path"].startswith("/static/") else "unmatched"
            )
            LATENCY.labels(scope["method"], name, f"{status[0] // 100}xx").observe(
                time.perf_counter() - start
            )


class SiteCollector(Collector):
    """What the site holds and how its work goes, read when Prometheus scrapes."""

    def __init__(self, settings: Settings, engine: Engine, indexes: SearchIndexes) -> None:
        self.settings, self.engine, self.indexes = settings, engine, indexes
        self._queue: Any = None  # the job queue, opened at the first scrape

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield _gauge(
            "paperfeed_index_lag_seconds",
            "How long this host's keyword index has known of papers it does not hold yet.",
            self.indexes.lag_seconds(),
        )
        yield _gauge(
            "paperfeed_vectors", "Vectors in this host's semantic index.", len(self.indexes.vectors)
        )
        try:
            yield from self._from_database()
        except Exception:  # the database away: the scrape still answers what it can
            log.warning("metrics: database figures unavailable", exc_info=True)
        depth = self._queue_depth()
        if depth is not None:
            yield _gauge("paperfeed_queue_depth", "Jobs waiting in the job queue.", depth)

    def _queue_depth(self) -> int | None:
        """Jobs waiting in the job queue (None when it cannot be read)."""
        try:
            if self._queue is None:
                from paperfeed.digests.queue import make_queue

                self._queue = make_queue(self.settings).huey
            return int(self._queue.pending_count())
        except Exception:
            log.debug("metrics: queue depth unavailable", exc_info=True)
            return None

    def _from_database(self) -> Iterator[GaugeMetricFamily]:
        from paperfeed.digests.models import Delivery
        from paperfeed.fleet.models import JobRun
        from paperfeed.papers.models import Paper

        with self.engine.connect() as conn:
            papers = conn.execute(select(Paper.source, func.count()).group_by(Paper.source)).all()
            digests = conn.execute(
                select(Delivery.status, func.count()).group_by(Delivery.status)
            ).all()
            runs = conn.execute(
                select(JobRun.name, JobRun.outcome, func.count()).group_by(
                    JobRun.name, JobRun.outcome
                )
            ).all()
        yield _labelled(
            "paperfeed_papers",
            "Papers stored, by where their record came from (oai: harvested, api, snapshot).",
            ["source"],
            papers,
        )
        yield _labelled(
            "paperfeed_digest_deliveries",
            "Digest deliveries by state (sent, failed, ...).",
            ["status"],
            digests,
        )
        yield _labelled(
            "paperfeed_job_runs",
            "Periodic runs kept (30 days) by job and outcome.",
            ["job", "outcome"],
            [(name, outcome or "running", n) for name, outcome, n in runs],
        )


def _gauge(name: str, text: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, text, value=value)


def _labelled(
    name: str, text: str, labels: list[str], rows: Sequence[Sequence[Any]]
) -> GaugeMetricFamily:
    """A gauge family from query rows: the label values, then the count."""
    family = GaugeMetricFamily(name, text, labels=labels)
    for *values, n in rows:
        family.add_metric([str(v) for v in values], n)
    return family


def registry_for(site: SiteCollector) -> CollectorRegistry:
    """The registry /metrics shows: this process's request latencies (every process's under
    `serve --workers N`) and the site's figures."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(LATENCY)
    registry.register(site)
    return registry


def metrics_response(request: Request) -> Response:
    registry: Any = request.app.state.metrics
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
