"""Compose and send 10,000 personalised digests to a local SMTP sink, against plain smtplib
sending the same number of pre-rendered messages to the same sink (same run).

    python bench/digest.py [--digests 10000] [--papers 20000] [--postgres URL]

The sink is aiosmtpd in its own process (accepts and drops every message). Papers: a
synthetic snapshot (bench/synth.py) imported with `import_file` and keyword-indexed.
Subscribers: each with its own mix of categories, keyword searches and followed authors
drawn from that corpus, daily at 08:00 UTC. Measured: `plan_due` + `send_pending` (claim,
compose, render, SMTP, commit), the path the worker runs each minute.
"""

from __future__ import annotations

import argparse
import json
import random
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson
from sqlalchemy import insert, text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from paperfeed.config import Settings  # noqa: E402
from paperfeed.db.engine import make_engine, reader  # noqa: E402
from paperfeed.db.migrate import upgrade  # noqa: E402
from paperfeed.digests.delivery import plan_due, send_pending  # noqa: E402
from paperfeed.digests.models import Subscription  # noqa: E402
from paperfeed.ingest.importer import import_file  # noqa: E402
from paperfeed.search.indexing import keyword_path, sync_keyword  # noqa: E402
from paperfeed.search.keyword import KeywordIndex  # noqa: E402
from synth import CATEGORIES, Generator, write_snapshot  # noqa: E402

SINK = """
import asyncio, sys
from aiosmtpd.controller import Controller
class Drop:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
c = Controller(Drop(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
sys.stdin.read()
c.stop()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def subscribers(n: int, snapshot: Path, seed: int = 3) -> list[dict[str, object]]:
    rng = random.Random(seed)
    gen = Generator(7)
    names = []
    with snapshot.open("rb") as fh:
        for i, line in enumerate(fh):
            if i % 50 == 0:
                rec = orjson.loads(line)
                last, first, _ = rec["authors_parsed"][0]
                names.append(f"{first} {last}")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        out.append(
            {
                "email": f"reader{i:05d}@example.org",
                "frequency": "daily",
                "weekday": 0,
                "hour": 8,
                "timezone": "UTC",
                "max_papers": rng.choice((5, 10, 20)),
                "trending": rng.random() < 0.5,
                "categories": " ".join(rng.sample(CATEGORIES, rng.choice((0, 1, 2)))),
                "keywords": "\n".join(
                    gen.text(rng.choice((1, 2))) for _ in range(rng.choice((0, 1, 2)))
                ),
                "authors": "\n".join(rng.sample(names, rng.choice((0, 0, 1)))),
                "skip_empty": False,
                "refusals": 0,
                "confirmed_at": now,
                "created_at": now,
            }
        )
    return out


def rendered(url: str, data_dir: Path, n: int) -> list[bytes]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from paperfeed.digests.compose import Composer
    from paperfeed.digests.delivery import digest_message
    from paperfeed.digests.models import Delivery

    settings = Settings(data_dir=data_dir, database_url=url)
    engine = make_engine(url)
    out = []
    composer = Composer(engine, datetime.now(UTC), KeywordIndex(keyword_path(settings)))
    with Session(reader(engine)) as session:
        pairs = session.execute(
            select(Delivery, Subscription)
            .join(Subscription, Subscription.id == Delivery.subscription_id)
            .order_by(Delivery.id)
            .limit(n)
        ).all()
    for d, sub in pairs:
        items = composer.items(sub, d.period)
        out.append(digest_message(settings, sub, d.period, items, d.id).data)
    engine.dispose()
    return out


def baseline(port: int, messages: list[bytes], sender: str) -> float:
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i, data in enumerate(messages):
            smtp.sendmail(sender, [f"reader{i:05d}@example.org"], data)
    return time.perf_counter() - start


def run(url: str, args: argparse.Namespace, snapshot: Path, tmp: Path, port: int) -> dict:
    settings = Settings(
        data_dir=tmp / "data",
        database_url=url,
        smtp_url=f"smtp://127.0.0.1:{port}",
        base_url="https://papers.example.org",
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    import_file(engine, snapshot, rejects_dir=tmp / "rejects", batch_size=2000, jobs=2)
    sync_keyword(engine, KeywordIndex(keyword_path(settings)))
    with engine.begin() as conn:
        conn.execute(insert(Subscription), subscribers(args.digests, snapshot))
        last_day = conn.execute(text("SELECT max(feed_date) FROM papers")).scalar()
    day = datetime.fromisoformat(str(last_day)).replace(hour=9, tzinfo=UTC)
    start = time.perf_counter()
    planned = plan_due(engine, day)
    result = send_pending(
        engine, settings, keyword=KeywordIndex(keyword_path(settings)), clock=lambda: day
    )
    seconds = time.perf_counter() - start
    with engine.connect() as conn:
        papers = conn.execute(text("SELECT avg(papers) FROM digest_deliveries")).scalar()
    engine.dispose()
    return {
        "planned": planned,
        "sent": result.sent,
        "seconds": seconds,
        "per_s": result.sent / seconds,
        "avg_papers_per_digest": float(papers or 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digests", type=int, default=10_000)
    parser.add_argument("--papers", type=int, default=20_000)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pf-digest-"))
    snapshot = write_snapshot(tmp / "snapshot.jsonl", args.papers)
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert sink.stdout is not None and sink.stdout.readline().strip() == b"ready"
    results: dict[str, object] = {"digests": args.digests, "papers": args.papers}
    try:
        sqlite_url = f"sqlite:///{tmp / 'data' / 'paperfeed.db'}"
        results["sqlite"] = run(sqlite_url, args, snapshot, tmp, port)
        print("sqlite", results["sqlite"], flush=True)
        # baseline: the same number of messages, pre-rendered (100 of the real digests,
        # composed before the clock starts, cycled), over one plain smtplib connection
        sample = rendered(sqlite_url, tmp / "data", 100)
        msgs = [sample[i % len(sample)] for i in range(args.digests)]
        base = baseline(port, msgs, "bench@example.org")
        results["smtplib_baseline"] = {"seconds": base, "per_s": args.digests / base}
        if args.postgres:
            import psycopg

            admin = args.postgres.replace("+psycopg", "")
            name = f"pf_digest_bench_{int(time.time())}"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                pg = args.postgres.rsplit("/", 1)[0] + "/" + name
                results["postgresql"] = run(pg, args, snapshot, tmp / "pg", port)
            finally:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        sink.communicate(b"")
    base_rate = results["smtplib_baseline"]["per_s"]  # type: ignore[index]
    for db in ("sqlite", "postgresql"):
        if db in results:
            r = results[db]
            print(
                f"{db}: {r['sent']:,} digests in {r['seconds']:.1f} s = {r['per_s']:,.0f}/s "  # type: ignore[index]
                f"({r['per_s'] / base_rate:.0%} of smtplib's {base_rate:,.0f}/s pre-rendered); "  # type: ignore[index]
                f"{r['avg_papers_per_digest']:.1f} papers each"  # type: ignore[index]
            )
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
