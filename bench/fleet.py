"""The fleet through nginx: requests/s and p50/p99 of the daily page and of keyword search
with 1, 2 and 3 web replicas behind Debian's nginx (deploy/nginx/paperfeed.conf), the same
against one replica directly (the proxy's overhead), and the index lag after writes: how
long until every replica's own keyword index holds a paper another process stored.

    python bench/fleet.py [--papers 20000] [--duration 8]     # needs wrk and nginx

PostgreSQL (127.0.0.1:5432, a database made and dropped by the run), N synthetic papers
(bench/synth.py). Replicas: `paperfeed serve` with one process each, semantic search off
(bench/pages.py measures hybrid search). On these 2 cores every replica past the second
shares the same CPUs: the figures say what the proxy and the replicas cost, not what more
machines would add.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import orjson
import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "bench"), str(REPO)]
from tests.ops.test_nginx_in_front import NGINX, start_nginx  # noqa: E402

from pages import free_port, start, stop, wrk  # noqa: E402
from synth import write_snapshot  # noqa: E402

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def make_database(n: int, folder: Path) -> str:
    from paperfeed.db.engine import make_engine
    from paperfeed.db.migrate import upgrade
    from paperfeed.ingest.importer import import_file

    name = f"paperfeed_fleet_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    engine = make_engine(url)
    upgrade(engine)
    snap = write_snapshot(folder / "snapshot.jsonl", n)
    import_file(engine, snap, rejects_dir=folder / "rejects", batch_size=2000, jobs=2)
    engine.dispose()
    return url


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def replica(url: str, folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
    env.update(
        PAPERFEED_DATABASE_URL=url,
        PAPERFEED_DATA_DIR=str(folder),
        PAPERFEED_SEMANTIC_SEARCH="false",
        PAPERFEED_SECRET_KEY="f" * 48,
        PAPERFEED_MIGRATE_ON_START="false",
        PAPERFEED_TRUSTED_PROXIES="127.0.0.1",
    )
    return start([sys.executable, "-m", "paperfeed", "serve", "--port", str(port)], env)


def ready(base: str, path: str = "/readyz") -> None:
    deadline = time.monotonic() + 300  # a new replica builds its index from the database
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + path, timeout=5).status_code == 200:
                status = httpx.get(base + "/healthz/search", timeout=5).json()
                if status["keyword"] == "ready":
                    return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{base} never became ready")


def proxy(tmp: Path, ports: list[int]) -> tuple[subprocess.Popen[bytes], str]:
    proc, base = start_nginx(tmp, ports)
    ready(base)
    return proc, base


def rows(port: int, duration: int, queries: list[str]) -> dict[str, dict[str, float]]:
    for path in ["/papers", *queries[:20]]:
        httpx.get(f"http://127.0.0.1:{port}{path}", timeout=60)
    return {
        "daily page": wrk(port, ["/papers"], [], duration),
        "keyword search": wrk(port, queries, [], duration),
    }


def index_lag(url: str, ports: list[int], folder: Path, writes: int) -> list[float]:
    """Seconds from a paper's commit until every replica's keyword index holds it."""
    from paperfeed.db.engine import make_engine
    from paperfeed.ingest.importer import import_file

    engine = make_engine(url)
    lags = []
    for i in range(writes):
        line = folder / f"new-{i}.jsonl"
        record = orjson.loads((folder / "snapshot.jsonl").open("rb").readline())
        record.update(id=f"2912.{90000 + i:05d}", title=f"Fleet lag probe {i}")
        line.write_bytes(orjson.dumps(record) + b"\n")
        want = [
            httpx.get(f"http://127.0.0.1:{p}/healthz/search").json()["keyword_documents"] + 1
            for p in ports
        ]
        t = time.monotonic()
        import_file(engine, line, rejects_dir=folder / "rejects", batch_size=10, jobs=1)
        pending = set(range(len(ports)))
        while pending and time.monotonic() - t < 60:
            for k in list(pending):
                got = httpx.get(f"http://127.0.0.1:{ports[k]}/healthz/search").json()
                if got["keyword_documents"] >= want[k]:
                    pending.discard(k)
            time.sleep(0.05)
        lags.append(time.monotonic() - t)
    engine.dispose()
    return lags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=8, help="seconds of wrk per row")
    parser.add_argument("--writes", type=int, default=10, help="papers written for the lag")
    args = parser.parse_args()
    for tool in ("wrk", NGINX):
        if shutil.which(tool) is None and not Path(tool).exists():
            raise SystemExit(f"{tool} is needed (Debian: apt-get install -y wrk nginx-light)")
    from urllib.parse import quote_plus

    from search_speed import queries_for

    queries = [f"/api/papers/search?q={quote_plus(q)}" for q in queries_for(4000)]
    tmp = Path(tempfile.mkdtemp(prefix="pf-fleet-"))
    url = make_database(args.papers, tmp)
    ports = [free_port() for _ in range(3)]
    replicas: list[subprocess.Popen[bytes]] = []
    print(
        f"{args.papers:,} papers on PostgreSQL; wrk 2 threads x 20 connections, "
        f"{args.duration} s a row\n"
    )
    print("| target | page | requests/s | p50 ms | p99 ms | failed |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    try:
        for k in range(3):
            replicas.append(replica(url, tmp / f"web{k}", ports[k]))
            ready(f"http://127.0.0.1:{ports[k]}")
            if k == 0:
                for name, r in rows(ports[0], args.duration, queries).items():
                    print(
                        f"| one replica, direct | {name} | {r['rps']:,.0f} | {r['p50']:.1f} "
                        f"| {r['p99']:.1f} | {r['bad']} |",
                        flush=True,
                    )
            nginx, base = proxy(tmp / f"nginx{k}", ports[: k + 1])
            try:
                port = int(base.rsplit(":", 1)[1])
                for name, r in rows(port, args.duration, queries).items():
                    print(
                        f"| nginx, {k + 1} replica{'s' if k else ''} | {name} | "
                        f"{r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['bad']} |",
                        flush=True,
                    )
            finally:
                nginx.terminate()
                nginx.wait(10)
        lags = index_lag(url, ports, tmp, args.writes)
        print(
            f"\nindex lag over {len(lags)} writes (all 3 replicas hold the paper): "
            f"p50 {statistics.median(lags):.1f} s, max {max(lags):.1f} s"
        )
    finally:
        for r in replicas:
            stop(r)
        drop_database(url)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
