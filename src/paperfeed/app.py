"""create_app(settings) -> the paperfeed web application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from paperfeed import __version__
from paperfeed.api import views as api_views
from paperfeed.api import write as api_write
from paperfeed.api.docs import install_docs
from paperfeed.api.openapi import install_openapi
from paperfeed.community import views_accounts as account_views
from paperfeed.community import views_papers as community_views
from paperfeed.config import Settings
from paperfeed.db.engine import make_engine
from paperfeed.db.replica import ReadRouting
from paperfeed.digests import views as digest_views
from paperfeed.email.mailers import Outbox, mailer_for
from paperfeed.feeds import views as feed_views
from paperfeed.ops.health import readiness
from paperfeed.ops.logs import RequestIdMiddleware, use_json_logs
from paperfeed.ops.metrics import (
    MetricsMiddleware,
    SiteCollector,
    metrics_response,
    registry_for,
)
from paperfeed.pagecache.fragments import FragmentCache
from paperfeed.pagecache.generation import GenerationReader
from paperfeed.pagecache.members import MarksCache
from paperfeed.pagecache.responses import ApiResponseCache
from paperfeed.pagecache.store import PageCache
from paperfeed.papers import views as paper_views
from paperfeed.personal import api as personal_api
from paperfeed.personal import views as personal_views
from paperfeed.personal.api import MAX_IMPORT_BYTES
from paperfeed.personal.feed import ForYou
from paperfeed.personal.pool import CandidateCache
from paperfeed.search import views as search_views
from paperfeed.search.indexes import SearchIndexes
from paperfeed.web import errors
from paperfeed.web.auth import AccountMiddleware
from paperfeed.web.csrf import CsrfCookieMiddleware
from paperfeed.web.guards import RequestGuard
from paperfeed.web.http_cache import ETagMiddleware
from paperfeed.web.ratelimit import RateLimits
from paperfeed.web.read_routing import ReadRoutingMiddleware
from paperfeed.web.templating import TEMPLATES, make_templates

STATIC = TEMPLATES.parent / "static"


def create_app(
    settings: Settings, engine: Engine | None = None, *, follow: bool = False
) -> FastAPI:
    """Build the app; the caller owns `settings` (and may hand in an engine to share).
    follow: keep this host's search indexes current in the background (`paperfeed serve`)."""
    engine = engine or make_engine(settings.sqlalchemy_url)
    indexes = SearchIndexes(settings, engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(indexes.start)
        if follow:
            indexes.follow()
        yield
        indexes.stop()
        await run_in_threadpool(app.state.outbox.close)
        app.state.reads.close()

    app = FastAPI(
        lifespan=lifespan,
        title="paperfeed",
        version=__version__,
        docs_url=None,  # served below, with its assets from paperfeed (no CDN)
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    replica = make_engine(settings.database_read_url) if settings.database_read_url else None
    app.state.reads = ReadRouting(engine, replica)
    app.state.templates = make_templates(settings.site_name)
    app.state.rate_limits = RateLimits(settings)
    app.state.outbox = Outbox(mailer_for(settings))
    app.state.search = indexes
    app.state.for_you = ForYou(CandidateCache(engine, settings.embedding_model))
    app.state.generation = GenerationReader(app.state.reads)
    app.state.pages = PageCache(settings.page_cache_mb * 1_000_000)
    app.state.marks = MarksCache()
    app.state.fragments = FragmentCache[bytes](settings.page_cache_mb * 1_000_000 // 4)
    app.state.cards = FragmentCache[str](settings.page_cache_mb * 1_000_000 // 4)
    app.state.metrics = registry_for(SiteCollector(settings, engine, indexes))
    app.add_middleware(ApiResponseCache)  # innermost: kept answers skip only the route
    app.add_middleware(ReadRoutingMiddleware)  # before the caches read the generation
    app.add_middleware(AccountMiddleware)
    app.add_middleware(CsrfCookieMiddleware, secure=settings.secure_cookies)
    app.add_middleware(ETagMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],  # reads, and token writes (no cookies: a bearer token)
        allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "If-None-Match"],
        expose_headers=["ETag", "Link"],
    )
    # level 1 (nginx's default), not Starlette's 9: a 70 kB 20-paper search answer takes
    # 0.3-0.6 ms instead of 1.7-3.2 ms and comes out about 25% larger (bench/search_speed.py
    # times a real answer at levels 1, 5 and 9; docs/benchmarks.md)
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=1)
    imports = max(settings.max_body_bytes, MAX_IMPORT_BYTES + 64 * 1024)  # a library file
    app.add_middleware(
        RequestGuard,
        max_body=settings.max_body_bytes,
        body_limits={"/api/library/import": imports, "/library/import": imports},
    )
    app.add_middleware(RequestIdMiddleware)  # outermost: every answer carries its id
    app.add_middleware(MetricsMiddleware)  # times all the rest
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    install_docs(app)
    install_openapi(app)
    errors.install(app)
    app.include_router(personal_api.router)  # before /api/papers/{id:path}
    app.include_router(api_write.router)
    app.include_router(api_views.router)
    app.include_router(feed_views.router)
    app.include_router(account_views.router)
    app.include_router(community_views.router)  # before the papers' catch-all /papers/{id}
    app.include_router(search_views.router)
    app.include_router(digest_views.router)
    app.include_router(personal_views.router)
    app.include_router(paper_views.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> JSONResponse:
        """Whether this replica should get traffic (a proxy's or orchestrator's check)."""
        found = readiness(settings, engine, indexes)
        return JSONResponse(found, status_code=200 if found["ready"] else 503)

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        return metrics_response(request)

    @app.get("/healthz/search", include_in_schema=False)
    def search_health() -> JSONResponse:
        """What search runs on now: indexed papers, vectors, whether the model is loaded."""
        return JSONResponse(indexes.status())

    return app


def app_from_environment() -> FastAPI:
    """The app with settings from the environment: what each process of
    `paperfeed serve --workers N` builds (the schema was migrated before they started)."""
    settings = Settings()
    if settings.json_logs:
        use_json_logs()
    return create_app(settings, follow=True)
