"""Pages under load: requests/s and latency of the lists, trending, paper pages and the API
through `paperfeed serve --workers N`, against a bare Starlette page of the same size served
the same way in the same run (the floor).

    python bench/pages.py --sizes 100000,1000000            # needs wrk (Debian: apt install wrk)
    python bench/pages.py --sizes 100000 --source /tmp/old  # the same against another checkout

A site of N synthetic papers (bench/synth.py, one every five minutes: ~288 a day) is built
once per size and kept under bench/.cache; 300 members, 60 of them signed in for the
member mix, 40 papers submitted today with 2,000 upvotes and 200 comments so that trending
and the cards have community data. wrk: 2 threads, 20 connections, --duration seconds a page.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote_plus

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))
CACHE = REPO / "bench" / ".cache"
WARM = 100  # URLs of a row requested before it (all of a page row's; a few searches)
SEARCHES = 40_000  # distinct queries, half to each search row: few repeat within a row

FLOOR_APP = """
import os
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route
BODY = "<!doctype html><p>" + "x" * int(os.environ["FLOOR_BYTES"])
async def page(request):
    return HTMLResponse(BODY)
app = Starlette(routes=[Route("/{path:path}", page)])
"""

LUA = """
local paths = {%(paths)s}
local cookies = {%(cookies)s}
request = function()
  local headers = {}
  if #cookies > 0 then headers["Cookie"] = cookies[math.random(#cookies)] end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
"""


def build_site(n: int, folder: Path) -> dict[str, object]:
    """Import n synthetic papers and add the community; returns what the pages need."""
    from paperfeed.config import Settings
    from paperfeed.db.engine import make_engine
    from paperfeed.db.migrate import upgrade
    from paperfeed.ingest.importer import import_file
    from paperfeed.search.indexing import keyword_path, sync_keyword
    from paperfeed.search.keyword import KeywordIndex
    from synth import write_snapshot

    settings = Settings(data_dir=folder / "data", semantic_search=False)
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    snap = CACHE / f"snapshot-{n}.jsonl"
    if not snap.exists():
        write_snapshot(snap, n)
    t = time.perf_counter()
    import_file(engine, snap, rejects_dir=folder / "rejects", batch_size=2000, jobs=2)
    print(f"  imported {n:,} papers in {time.perf_counter() - t:,.0f} s", flush=True)
    t = time.perf_counter()
    sync_keyword(engine, KeywordIndex(keyword_path(settings)))  # as `paperfeed import` does
    print(f"  keyword index in {time.perf_counter() - t:,.0f} s", flush=True)
    community(engine)
    engine.dispose()
    return {}


def community(engine: object) -> None:
    from sqlalchemy import Engine, text

    from paperfeed.community.accounts import start_session

    assert isinstance(engine, Engine)
    rng = random.Random(5)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        newest = date.fromisoformat(
            str(conn.execute(text("SELECT max(feed_date) FROM papers")).scalar_one())[:10]
        )
        week_ago = str(newest - timedelta(days=6))
        recent = [
            r[0]
            for r in conn.execute(
                text("SELECT id FROM papers WHERE feed_date >= :d"), {"d": week_ago}
            )
        ]
        for i in range(300):
            conn.execute(
                text(
                    "INSERT INTO users (email, display_name, password_hash, role,"
                    " email_verified_at, created_at) VALUES (:e, :n, 'x', 'user', :t, :t)"
                ),
                {"e": f"reader{i}@example.org", "n": f"Reader {i}", "t": now},
            )
        users = [r[0] for r in conn.execute(text("SELECT id FROM users ORDER BY id"))]
        cookies = [start_session(conn, u, now) for u in users[:60]]
        submitted = rng.sample(recent, 40)
        for pid, uid in zip(submitted, users, strict=False):
            conn.execute(
                text(
                    "INSERT INTO submissions (paper_id, user_id, submitted_on, submitted_at)"
                    " VALUES (:p, :u, :d, :t)"
                ),
                {"p": pid, "u": uid, "d": now.date(), "t": now - timedelta(hours=rng.random())},
            )
        pairs = {(rng.choice(users), rng.choice(submitted + recent[:200])) for _ in range(2000)}
        for uid, pid in pairs:
            conn.execute(
                text("INSERT INTO votes (user_id, paper_id, created_at) VALUES (:u, :p, :t)"),
                {"u": uid, "p": pid, "t": now},
            )
        for i in range(200):
            conn.execute(
                text(
                    "INSERT INTO comments (paper_id, user_id, body, created_at)"
                    " VALUES (:p, :u, :b, :t)"
                ),
                {"p": rng.choice(submitted), "u": rng.choice(users), "b": f"Note {i}", "t": now},
            )
    (CACHE / "cookies.txt").write_text("\n".join(cookies))


def site_for(n: int) -> Path:
    """The built site for n papers (bench/.cache/site-N), built on first use."""
    CACHE.mkdir(exist_ok=True)
    folder = CACHE / f"site-{n}"
    if not (folder / "data" / "paperfeed.db").exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"building a site of {n:,} papers ...", flush=True)
        build_site(n, folder)
        shutil.copy(CACHE / "cookies.txt", folder / "cookies.txt")
    if not (folder / "vectors.done").exists():
        t = time.perf_counter()
        add_vectors(folder)
        (folder / "vectors.done").write_text("random unit vectors, seed 11\n")
        print(f"  vectors stored and indexed in {time.perf_counter() - t:,.0f} s", flush=True)
    return folder


def add_vectors(folder: Path) -> None:
    """A vector for every paper so that search runs hybrid, as with `paperfeed embed`.
    The synthetic texts mean nothing, so the vectors are random unit vectors (the hard case
    for the ANN graph); the query embedding is the real model's, per query."""
    import numpy as np

    from paperfeed.config import Settings
    from paperfeed.db.engine import make_engine
    from paperfeed.db.migrate import upgrade
    from paperfeed.search.embedder import to_bytes
    from paperfeed.search.indexing import sync_vectors

    settings = Settings(data_dir=folder / "data")
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    rng = np.random.default_rng(11)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM paper_embeddings")
        stored = conn.exec_driver_sql("SELECT id, content_hash FROM papers ORDER BY id").all()
        for s in range(0, len(stored), 20_000):
            chunk = stored[s : s + 20_000]
            vectors = rng.standard_normal((len(chunk), 384)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            conn.exec_driver_sql(
                "INSERT INTO paper_embeddings (paper_id, model, content_hash, vector, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (pid, settings.embedding_model, h, to_bytes(vectors[i]), now)
                    for i, (pid, h) in enumerate(chunk)
                ],
            )
    sync_vectors(engine, settings, rebuild=True)
    engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(port: int, path: str = "/healthz") -> None:
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}{path}", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"nothing answered on port {port}")


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.DEVNULL)


def stop(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def rss_mb(proc: subprocess.Popen[bytes]) -> list[float]:
    """Resident memory of each serving process (the children of the supervisor)."""
    out = subprocess.run(
        ["ps", "-o", "pid=,rss=", "--ppid", str(proc.pid)], capture_output=True, text=True
    ).stdout
    kids = [int(line.split()[1]) / 1024 for line in out.splitlines() if line.strip()]
    return [k for k in kids if k > 20] or [float(_own_rss(proc.pid))]


def _own_rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk(port: int, paths: list[str], cookies: list[str], seconds: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(
            LUA
            % {
                "paths": ", ".join(f'"{p}"' for p in paths),
                "cookies": ", ".join(f'"pf_session={c}"' for c in cookies),
            }
        )
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c20",
            f"-d{seconds}s",
            "--latency",
            "-s",
            fh.name,
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(fh.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)  # wrk gives up on an answer after 2 s
    lat = {m[0]: _ms(m[1], m[2]) for m in re.findall(r"\s(50|99)%\s+([\d.]+)(us|ms|s)\b", out)}
    return {
        "rps": rate,
        "p50": lat["50"],
        "p99": lat["99"],
        "bad": (int(errors.group(1)) if errors else 0)
        + (int(timeouts.group(1)) if timeouts else 0),
    }


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def page_paths(folder: Path) -> dict[str, list[str]]:
    """The URLs of each row: today's list, its week and month, trending, paper pages of the
    latest day (where readers go), the API, and search with distinct queries (2-3 words of
    the corpus's own vocabulary, Zipf-drawn: each query embedded afresh, as a new query is)."""
    from search_speed import queries_for

    queries = queries_for(SEARCHES)
    db = sqlite3.connect(folder / "data" / "paperfeed.db")
    newest = db.execute("SELECT max(feed_date) FROM papers").fetchone()[0]
    day = datetime.fromisoformat(newest).date()
    ids = [
        r[0]
        for r in db.execute(
            "SELECT arxiv_id FROM papers WHERE feed_date = ? ORDER BY id LIMIT 100", (newest,)
        )
    ]
    db.close()
    iso = day.isocalendar()
    return {
        "/papers (today)": ["/papers"],
        "week page": [f"/papers/week/{iso[0]}-W{iso[1]:02d}"],
        "month page": [f"/papers/month/{day:%Y-%m}"],
        "/papers/trending": ["/papers/trending"],
        f"paper pages ({len(ids)} of the day's)": [f"/papers/{i}" for i in ids],
        "/api/daily_papers": ["/api/daily_papers"],
        "/api/papers/{id}": [f"/api/papers/{i}" for i in ids],
        "search page (hybrid)": [f"/search?q={quote_plus(q)}" for q in queries[: SEARCHES // 2]],
        "/api/papers/search (hybrid)": [
            f"/api/papers/search?q={quote_plus(q)}" for q in queries[SEARCHES // 2 :]
        ],
    }


def wait_semantic(port: int) -> None:
    """Until every process answers search with the query encoder loaded and its speller
    built (each process has its own; both are made in the background after start)."""
    import httpx

    deadline, ready = time.monotonic() + 300, 0
    while ready < 20 and time.monotonic() < deadline:
        status = httpx.get(f"http://127.0.0.1:{port}/healthz/search", timeout=30).json()
        done = status.get("semantic") == "ready" and status["speller"].startswith("ready")
        ready = ready + 1 if done else 0
        time.sleep(0.1)
    if ready < 20:
        raise SystemExit("semantic search did not become ready")


def timed_get(port: int, path: str, jar: list[str]) -> float:
    import httpx

    headers = {"Cookie": f"pf_session={jar[0]}"} if jar else {}
    t = time.perf_counter()
    httpx.get(f"http://127.0.0.1:{port}{path}", headers=headers, timeout=300)
    return (time.perf_counter() - t) * 1000


def body_bytes(port: int, path: str) -> int:
    import httpx

    return len(httpx.get(f"http://127.0.0.1:{port}{path}", timeout=300).content)


def run_size(n: int, args: argparse.Namespace) -> None:
    folder = site_for(n)
    work = Path(tempfile.mkdtemp(prefix="pf-pages-"))
    shutil.copytree(folder / "data", work / "data")
    cookies = (folder / "cookies.txt").read_text().split()
    source = Path(args.source).resolve() if args.source else REPO
    if args.source:
        pretend_older(work / "data" / "paperfeed.db", args.source_revision)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
    env.update(
        PAPERFEED_DATA_DIR=str(work / "data"),
        PAPERFEED_SEMANTIC_SEARCH="true",
        PYTHONPATH=str(source / "src"),
    )
    port = free_port()
    command = [sys.executable, "-m", "paperfeed", "serve", "--port", str(port)]
    if args.workers > 1:
        command += ["--workers", str(args.workers)]
    server = start(command, env)
    rows = []
    try:
        wait_up(port)
        wait_semantic(port)
        paths = page_paths(work)
        size = body_bytes(port, "/papers")
        floor = measure_floor(size, args)
        print(
            f"\n{n:,} papers, {args.workers} server processes; floor: bare Starlette, "
            f"{size:,}-byte page: {floor['rps']:,.0f} req/s, p50 {floor['p50']:.1f} ms, "
            f"p99 {floor['p99']:.1f} ms",
            flush=True,
        )
        print("| page | mix | requests/s | p50 ms | p99 ms | failed | alone ms | MB start→end |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for name, urls in paths.items():
            if args.rows and not any(word in name for word in args.rows.split(",")):
                continue
            for mix, jar in (("anonymous", []), ("members", cookies)):
                if name.startswith("/api/") and mix == "members":
                    continue
                alone = timed_get(port, urls[0], jar)  # one request alone: rendered afresh
                if not args.source:  # each process renders each page once before wrk
                    for url in urls[:WARM] * 3:  # (searches: a few, to load what they use)
                        timed_get(port, url, jar)
                before = rss_mb(server)
                r = wrk(port, urls, jar, args.duration)
                after = rss_mb(server)
                rows.append((name, mix, r))
                mem = f"{sum(before):,.0f}→{sum(after):,.0f}"
                print(
                    f"| {name} | {mix} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} "
                    f"| {r['bad']} | {alone:.1f} | {mem} |",
                    flush=True,
                )
    finally:
        stop(server)
        shutil.rmtree(work, ignore_errors=True)


def measure_floor(size: int, args: argparse.Namespace) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="pf-floor-"))
    (folder / "floor_app.py").write_text(FLOOR_APP)
    port = free_port()
    env = {**os.environ, "FLOOR_BYTES": str(size)}
    proc = start(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(folder),
            "floor_app:app",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env,
    )
    try:
        wait_up(port, "/")
        return wrk(port, ["/"], [], args.duration)
    finally:
        stop(proc)
        shutil.rmtree(folder, ignore_errors=True)


def pretend_older(db: Path, revision: str) -> None:
    """A copy of the site for an older checkout: the schema as of `revision` (tables the
    older code does not know are dropped; nothing it reads changes)."""
    conn = sqlite3.connect(db)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
        if name.startswith("pf_generation_"):
            conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE IF EXISTS site_generation")
    conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    conn.commit()
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000", help="comma-separated paper counts")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per row")
    parser.add_argument("--workers", type=int, default=2, help="server processes (one per core)")
    parser.add_argument("--rows", help="only rows whose name has one of these words, e.g. search")
    parser.add_argument("--source", help="serve from another checkout (its src/), e.g. before")
    parser.add_argument("--source-revision", default="0006", help="that checkout's schema revision")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    for n in [int(s) for s in args.sizes.split(",") if s]:
        run_size(n, args)


if __name__ == "__main__":
    main()
