"""/api/for-you latency with 1,000 members over a month of papers (part of bench/recommend.py).

A fresh SQLite database gets --papers synthetic papers (bench/synth.py) spread over the last
30 list days, a random unit vector each as its embedding (the ranking's cost does not depend
on the values; embedding 20k abstracts would take this machine half an hour), and --members
members with libraries of 20-400 papers, a few follows and mutes. One `paperfeed serve`
process answers; each request is one member's /api/for-you?window=month&limit=50. The floor,
in the same run on the same server: /api/daily_papers?limit=50 (a list without ranking).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import insert, select, update

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from paperfeed.community.accounts import start_session  # noqa: E402
from paperfeed.community.models import User  # noqa: E402
from paperfeed.config import Settings  # noqa: E402
from paperfeed.db.engine import make_engine  # noqa: E402
from paperfeed.db.migrate import upgrade  # noqa: E402
from paperfeed.ingest.importer import import_file  # noqa: E402
from paperfeed.papers.models import Paper  # noqa: E402
from paperfeed.personal.models import Follow, LibraryItem, Mute  # noqa: E402
from paperfeed.search.models import PaperEmbedding  # noqa: E402
from synth import write_snapshot  # noqa: E402

MODEL = "all-MiniLM-L6-v2"


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values) * 1000, q))


def build(folder: Path, papers: int, members: int, seed: int = 3) -> tuple[Settings, list[str]]:
    settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'paperfeed.db'}")
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    snapshot = write_snapshot(folder / "snapshot.jsonl", papers, seed=seed)
    import_file(engine, snapshot, rejects_dir=folder / "rejects")
    rng = np.random.default_rng(seed)
    today = datetime.now(UTC).date()
    now = datetime.now(UTC)
    with engine.begin() as conn:
        ids = list(conn.execute(select(Paper.id).order_by(Paper.id)).scalars())
        for day in range(30):  # spread over the last 30 days
            conn.execute(
                update(Paper)
                .where(Paper.id.in_(ids[day::30]))
                .values(feed_date=today - timedelta(days=day))
            )
        vectors = rng.standard_normal((len(ids), 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        conn.execute(
            insert(PaperEmbedding),
            [
                {
                    "paper_id": pid,
                    "model": MODEL,
                    "content_hash": "x",
                    "vector": v.astype("<f4").tobytes(),
                    "created_at": now,
                }
                for pid, v in zip(ids, vectors, strict=True)
            ],
        )
        conn.execute(
            insert(User),
            [
                {
                    "email": f"m{i}@example.org",
                    "display_name": f"Member {i}",
                    "password_hash": "-",
                    "role": "user",
                    "email_verified_at": now,
                    "created_at": now,
                }
                for i in range(members)
            ],
        )
        users = list(conn.execute(select(User.id).order_by(User.id)).scalars())
        pyrng = random.Random(seed)
        rows, follows, mutes = [], [], []
        for uid in users:
            size = pyrng.randint(20, 400)
            for pid in pyrng.sample(ids, size):
                rows.append({"user_id": uid, "paper_id": pid, "source": "saved", "created_at": now})
            follows.append(
                {
                    "user_id": uid,
                    "kind": "category",
                    "value": pyrng.choice(["cs.LG", "cs.CL", "cs.CV"]),
                    "created_at": now,
                }
            )
            mutes.append({"user_id": uid, "kind": "keyword", "value": "kalo", "created_at": now})
        conn.execute(insert(LibraryItem), rows)
        conn.execute(insert(Follow), follows)
        conn.execute(insert(Mute), mutes)
        cookies = [start_session(conn, uid, now) for uid in users]
        saves = len(rows)
    engine.dispose()
    print(f"  {len(ids):,} papers over 30 days, {members:,} members, {saves:,} saves")
    return settings, cookies


def serve(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PAPERFEED_DATA_DIR": str(settings.data_dir),
        "PAPERFEED_DATABASE_URL": str(settings.database_url),
        "PAPERFEED_PORT": str(port),
        "PAPERFEED_RATE_LIMIT_WRITE": "100000/minute",
    }
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "paperfeed"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGTERM)
    raise RuntimeError("server did not start")


def latency(papers: int = 20_000, members: int = 1_000, requests: int = 400) -> None:
    print(f"\n### /api/for-you latency: {papers:,} papers in the month, {members:,} members\n")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        settings, cookies = build(Path(tmp), papers, members)
        print(f"  built in {time.perf_counter() - started:.0f} s")
        port = 8900 + os.getpid() % 50
        proc = serve(settings, port)
        try:
            rss = int(Path(f"/proc/{proc.pid}/status").read_text().split("VmRSS:")[1].split()[0])
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                t = time.perf_counter()
                client.get("/api/for-you?window=month", cookies={"pf_session": cookies[0]})
                first = time.perf_counter() - t
                rng = random.Random(5)
                times: dict[str, list[float]] = {
                    "for-you": [],
                    "daily_papers": [],
                    "update": [],
                    "next": [],
                }
                for i in range(requests):
                    cookie = {"pf_session": rng.choice(cookies)}
                    t = time.perf_counter()
                    r = client.get("/api/for-you?window=month&limit=50", cookies=cookie)
                    times["for-you"].append(time.perf_counter() - t)
                    assert r.status_code == 200 and len(r.json()) == 50, r.text[:200]
                    t = time.perf_counter()
                    client.get("/api/daily_papers?limit=50")
                    times["daily_papers"].append(time.perf_counter() - t)
                    if i % 4 == 0:  # a new signal, then the next page: it must show
                        page = r.json()
                        client.get("/healthz")
                        csrf = client.cookies.get("pf_csrf") or ""
                        t = time.perf_counter()
                        done = client.post(
                            f"/api/papers/{page[0]['paper']['id']}/not-interested",
                            json={"on": True},
                            cookies={**cookie, "pf_csrf": csrf},
                            headers={"X-CSRF-Token": csrf},
                        )
                        times["update"].append(time.perf_counter() - t)
                        assert done.status_code == 200, done.text
                        t = time.perf_counter()
                        after = client.get(
                            "/api/for-you?window=month&limit=50", cookies=cookie
                        ).json()
                        times["next"].append(time.perf_counter() - t)
                        assert page[0]["paper"]["id"] not in {x["paper"]["id"] for x in after}
                rss_after = int(
                    Path(f"/proc/{proc.pid}/status").read_text().split("VmRSS:")[1].split()[0]
                )
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
    print(f"  first request (builds the month's candidate pool): {first * 1000:,.0f} ms")
    print("\n| request | n | p50 ms | p95 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: |")
    names = {
        "for-you": "/api/for-you?window=month&limit=50",
        "daily_papers": "/api/daily_papers?limit=50 (floor)",
        "update": "a new signal: POST /api/papers/{id}/not-interested",
        "next": "the next /api/for-you (the paper is gone from it)",
    }
    for key, values in times.items():
        cells = " | ".join(f"{pct(values, q):.1f}" for q in (50, 95, 99))
        print(f"| {names[key]} | {len(values)} | {cells} |")
    print(f"\n  server memory: {rss / 1024:,.0f} MB after start, {rss_after / 1024:,.0f} MB after")


if __name__ == "__main__":
    latency()
