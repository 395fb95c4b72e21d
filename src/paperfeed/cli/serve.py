"""`paperfeed serve | up`: run the web site (after a harvest, for `up`)."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Annotated, Any

import typer

from paperfeed.cli.common import console, load_settings, ready_engine

if TYPE_CHECKING:
    from huey.consumer import Consumer
    from sqlalchemy import Engine

    from paperfeed.config import Settings


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("up")(up)


HostOpt = Annotated[str | None, typer.Option(help="Address to listen on (PAPERFEED_HOST).")]
PortOpt = Annotated[int | None, typer.Option(help="Port to listen on (PAPERFEED_PORT).")]


WorkersOpt = Annotated[
    int,
    typer.Option(
        min=1,
        max=64,
        help="Server processes sharing the port (production: one per core).",
    ),
]


def serve(host: HostOpt = None, port: PortOpt = None, workers: WorkersOpt = 1) -> None:
    """Serve the web site and its JSON twins."""
    settings = load_settings()
    listening = _bind(settings, host, port)
    engine = ready_engine(settings)  # migrated once, before any process serves
    if workers == 1:
        _serve(settings, engine, listening)
        return
    engine.dispose()
    _serve_processes(settings, listening, workers)


def up(
    host: HostOpt = None,
    port: PortOpt = None,
    harvest: Annotated[bool, typer.Option(help="Harvest recent papers before serving.")] = True,
    worker: Annotated[
        bool, typer.Option(help="Run the job queue (digests, indexing, harvests) in this process.")
    ] = True,
) -> None:
    """Create the database, harvest the last days of PAPERFEED_CATEGORIES, then serve."""
    from paperfeed.cli.ingest import run_harvest
    from paperfeed.papers.queries import count_papers

    settings = load_settings()
    listening = _bind(settings, host, port)  # a taken port is said before any work
    engine = ready_engine(settings)
    console.print(f"database ready: {engine.url.render_as_string()}")
    if harvest and not run_harvest(engine, settings, None, None, None, None):
        with engine.connect() as conn:
            stored = count_papers(conn)
        console.print(f"serving the {stored:,} papers stored.")
    if settings.embed_on_up and settings.semantic_search:
        _embed_in_background(engine, settings)
    consumer = _start_worker(settings) if worker else None
    try:
        _serve(settings, engine, listening)
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)


def _start_worker(settings: Settings) -> Consumer:
    """The job queue's consumer (digests, search indexes, hourly harvest) in this process."""
    from huey.consumer import Consumer

    from paperfeed.digests.queue import make_queue

    consumer = Consumer(make_queue(settings).huey, workers=2, periodic=True)
    consumer.start()  # threads; uvicorn then takes over the signal handlers
    console.print(
        "worker: digests every minute, search indexes every 5, thumbnails every 10, harvest hourly"
    )
    return consumer


def _embed_in_background(engine: Engine, settings: Settings) -> None:
    """Semantic search fills in while the site serves (keyword search works meanwhile)."""
    import threading

    from paperfeed.search.indexing import embed_pending, pending_embeddings

    pending = pending_embeddings(engine, settings.embedding_model)
    if not pending:
        return

    def work() -> None:
        result = embed_pending(engine, settings)
        if result.busy:
            console.print(
                "semantic search: another process is embedding for this data folder; "
                "the site picks up its vectors as they are made"
            )
            return
        console.print(
            f"semantic search: {result.embedded:,} papers embedded in {result.seconds:,.0f} s, "
            f"{result.indexed:,} vectors added to the index"
        )

    console.print(
        f"embedding {pending:,} papers in the background: semantic search grows as they are "
        "made (the index is updated at least every minute; `paperfeed embed` shows progress)"
    )
    threading.Thread(target=work, name="embed", daemon=True).start()


def _bind(settings: Settings, host: str | None, port: int | None) -> socket.socket:
    """The listening socket, bound before anything is printed or started: a port already
    taken (a second `make run`) is one clear line, not a trace after "paperfeed is at"."""
    from paperfeed.cli.common import fail

    host, port = host or settings.host, port or settings.port
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        fail(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} — is paperfeed already "
            f"running there? Stop it, or choose another port with --port {port + 1}."
        )
    sock.listen(2048)
    return sock


def _serve(settings: Settings, engine: Engine, listening: socket.socket) -> None:
    import uvicorn

    from paperfeed.app import create_app
    from paperfeed.cli.common import fail
    from paperfeed.digests.tokens import WeakSecret, signing_secret

    try:
        signing_secret(settings)  # made now, or refused now: not on a visitor's request
    except WeakSecret as exc:
        fail(str(exc))
    host, port = listening.getsockname()[:2]
    console.print(f"paperfeed is at [bold]http://{host}:{port}[/bold]  (Ctrl+C stops it)")
    config = uvicorn.Config(create_app(settings, engine, follow=True), **uvicorn_options(settings))
    uvicorn.Server(config).run(sockets=[listening])


def _serve_processes(settings: Settings, listening: socket.socket, workers: int) -> None:
    """`workers` processes accepting on one socket, each with its own app (its page cache
    kept coherent by the database's generation), restarted by uvicorn if one dies."""
    import uvicorn
    from uvicorn.supervisors.multiprocess import Multiprocess

    from paperfeed.cli.common import fail
    from paperfeed.digests.tokens import WeakSecret, signing_secret

    try:
        signing_secret(settings)
    except WeakSecret as exc:
        fail(str(exc))
    host, port = listening.getsockname()[:2]
    console.print(
        f"paperfeed is at [bold]http://{host}:{port}[/bold] with {workers} processes "
        "(Ctrl+C stops them)"
    )
    shared_metrics(settings)
    config = uvicorn.Config(
        "paperfeed.app:app_from_environment",
        factory=True,
        workers=workers,
        **uvicorn_options(settings),
    )
    Multiprocess(config, sockets=[listening]).run()


def shared_metrics(settings: Settings) -> None:
    """The processes' request metrics in one folder, read together by /metrics
    (prometheus-client's multiprocess mode); emptied at start: counts of processes gone."""
    import os
    import shutil

    folder = settings.data_dir / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options; with JSON logs, uvicorn leaves logging to paperfeed's set-up."""
    if settings.json_logs:
        return {**UVICORN_OPTIONS, "log_config": None}
    return UVICORN_OPTIONS


# X-Forwarded-For is read by paperfeed itself, from PAPERFEED_TRUSTED_PROXIES only: uvicorn's
# own reading believes any loopback client, which let one rotate its address at will.
UVICORN_OPTIONS: dict[str, Any] = {"log_level": "warning", "proxy_headers": False}
