"""The fleet on loopback: PostgreSQL, Redis, Debian's nginx in front of 3 web replicas, 2
workers on the Redis queue, the arXiv stand-in, aiosmtpd. Readers and writers go through
nginx while a replica and a worker are SIGKILLed and restarted and a harvest runs; then:
no 5xx on reads, every acknowledged comment stored once, the harvest searchable on every
replica, the due digests delivered once each, the dead replica ready again."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import Engine, text

from paperfeed.community.accounts import Account
from paperfeed.community.api_tokens import create_token
from tests import records as R
from tests.community.conftest import Inbox, smtp  # noqa: F401  (fixture)
from tests.digests.conftest import add_subscribers
from tests.ops.test_nginx_in_front import NGINX, _port, _wait, start_nginx
from tests.standin import ArxivStandIn
from tests.web.conftest import PAPERS, store

pytestmark = [
    pytest.mark.fleet,
    pytest.mark.timeout(300),
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed"),
    pytest.mark.parametrize("db_url", ["postgresql"], indirect=True),
]
REDIS = "redis://127.0.0.1:6379/7"
HARVESTED = R.many(12, start=500)  # titles: "Invented study number 5xx of ... bridges"
READS = [
    "/papers/date/2026-08-07",
    "/papers",
    "/api/daily_papers",
    "/papers/2608.00004",
    "/papers/trending",
    "/search?q=Friday",
    "/api/papers/2608.00004",
]
WANTED = {r.id for r in HARVESTED}
RECIPIENTS = [f"reader{i}@example.org" for i in range(5)]


class Proc:
    """A paperfeed process that can be SIGKILLed and started again the same way."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.args, self.env = args, env
        self.proc = self._start()

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "paperfeed", *self.args],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def restart(self) -> None:
        self.proc = self._start()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


def _tokens(engine: Engine, n: int) -> list[str]:
    now = datetime.now(UTC)
    raws = []
    with engine.begin() as conn:
        for i in range(n):
            uid = conn.execute(
                text(
                    "INSERT INTO users (email, display_name, password_hash, role,"
                    " email_verified_at, created_at) VALUES (:e, :n, 'x', 'user', :t, :t)"
                    " RETURNING id"
                ),
                {"e": f"writer{i}@example.org", "n": f"Writer {i}", "t": now},
            ).scalar_one()
            account = Account(uid, f"writer{i}@example.org", f"Writer {i}", "user", True)
            raws.append(create_token(conn, account, "fleet", now))
    return raws


@pytest.fixture
def site(engine: Engine, db_url: str, smtp: tuple[Inbox, int], tmp_path: Path) -> Iterator[dict]:  # noqa: F811
    store(engine, PAPERS)
    weekday = datetime.now(UTC).weekday()  # weekly digests due today from 00:00 UTC
    add_subscribers(
        engine, RECIPIENTS, frequency="weekly", weekday=weekday, hour=0, skip_empty=False
    )
    redis.Redis.from_url(REDIS).flushdb()
    with ArxivStandIn(HARVESTED, page_size=3) as standin:
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
        base_env.update(
            PAPERFEED_DATABASE_URL=db_url,
            PAPERFEED_REDIS_URL=REDIS,
            PAPERFEED_WORKER_QUEUE="redis",
            PAPERFEED_SECRET_KEY="s" * 48,
            PAPERFEED_SEMANTIC_SEARCH="false",
            PAPERFEED_MIGRATE_ON_START="false",
            PAPERFEED_SMTP_URL=f"smtp://127.0.0.1:{smtp[1]}",
            PAPERFEED_ARXIV_OAI_URL=f"{standin.url}/oai",
            PAPERFEED_ARXIV_DELAY="0",
            PAPERFEED_CATEGORIES="cs.LG",
            PAPERFEED_RATE_LIMIT_WRITE="100000/minute",
            PAPERFEED_TRUSTED_PROXIES="127.0.0.1",
            PAPERFEED_DIGEST_LEASE_SECONDS="3",
            PAPERFEED_JOB_HEARTBEAT_SECONDS="1",
        )

        def env(name: str) -> dict[str, str]:
            return {**base_env, "PAPERFEED_DATA_DIR": str(tmp_path / name)}

        ports = [_port() for _ in range(3)]
        web = [Proc(["serve", "--port", str(p)], env(f"web{i}")) for i, p in enumerate(ports)]
        workers = [Proc(["worker"], env(f"worker{i}")) for i in range(2)]
        proxy, base = start_nginx(tmp_path, ports)
        try:
            for p in ports:
                _wait(f"http://127.0.0.1:{p}/readyz")
            yield {
                "base": base,
                "ports": ports,
                "web": web,
                "workers": workers,
                "env": env,
                "tokens": _tokens(engine, 2),
                "inbox": smtp[0],
            }
        finally:
            proxy.terminate()
            proxy.wait(10)
            for p in [*web, *workers]:
                p.stop()


def _reader(base: str, stop: threading.Event, seen: Counter[int]) -> None:
    rng = random.Random()
    with httpx.Client(base_url=base, timeout=10) as client:
        while not stop.is_set():
            try:
                seen[client.get(rng.choice(READS)).status_code] += 1
            except httpx.HTTPError:
                seen[0] += 1  # no answer at all: counted as a failure


def _writer(
    base: str, token: str, tag: str, stop: threading.Event, acked: list[str], sent: list[str]
) -> None:
    with httpx.Client(base_url=base, timeout=10) as client:
        n = 0
        while not stop.is_set():
            body = f"fleet note {tag}-{n}"
            n += 1
            sent.append(body)
            try:
                answer = client.post(
                    "/api/papers/2608.00004/comment",
                    json={"comment": body},
                    headers={"Authorization": f"Bearer {token}"},
                )
            except httpx.HTTPError:
                continue  # unacknowledged: stored at most once
            if answer.status_code == 201:
                acked.append(body)
            time.sleep(0.02)


def test_the_fleet_keeps_its_promises_under_faults(site: dict, engine: Engine) -> None:
    base, ports, web, workers = site["base"], site["ports"], site["web"], site["workers"]
    stop = threading.Event()
    seen: Counter[int] = Counter()
    acked: list[str] = []
    sent: list[str] = []
    threads = [threading.Thread(target=_reader, args=(base, stop, seen)) for _ in range(4)]
    threads += [
        threading.Thread(target=_writer, args=(base, tok, str(i), stop, acked, sent))
        for i, tok in enumerate(site["tokens"])
    ]
    for t in threads:
        t.start()
    try:
        time.sleep(3)
        harvest = subprocess.Popen(  # on a worker's host, as its hourly job would
            [
                sys.executable,
                "-m",
                "paperfeed",
                "harvest",
                "--set",
                "cs:cs:LG",
                "--from",
                "2026-08-01",
            ],
            env=site["env"]("worker0"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(2)
        web[0].kill()
        time.sleep(2)
        workers[0].kill()
        time.sleep(2)
        web[0].restart()
        time.sleep(2)
        workers[0].restart()
        time.sleep(6)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert harvest.wait(60) == 0, harvest.stderr.read() if harvest.stderr else ""

    # reads: never a 5xx nor a dropped answer, whatever died
    assert sum(seen.values()) > 100
    assert {code for code in seen if code >= 500 or code == 0} == set(), seen
    # writes: every acknowledged comment stored exactly once, none stored twice
    with engine.connect() as conn:
        stored = Counter(
            r[0]
            for r in conn.execute(text("SELECT body FROM comments WHERE body LIKE 'fleet note %'"))
        )
    assert acked and all(stored[b] == 1 for b in acked)
    assert max(stored.values()) == 1 and set(stored) <= set(sent)
    _wait(f"http://127.0.0.1:{ports[0]}/readyz")  # the dead replica came back ready
    # the harvest: searchable on all three replicas within 30 s
    deadline = time.monotonic() + 30
    missing = set(ports)
    counts: dict[int, int] = {}
    while missing and time.monotonic() < deadline:
        for port in list(missing):
            hits = httpx.get(
                f"http://127.0.0.1:{port}/api/papers/search", params={"q": "bridges", "limit": 50}
            ).json()
            found = {h["paper"]["id"] for h in hits}
            counts[port] = len(found & WANTED)
            if found >= WANTED:
                missing.discard(port)
        time.sleep(0.5)
    with engine.connect() as conn:
        harvested = conn.execute(text("SELECT count(*) FROM papers")).scalar_one()
    assert harvested == len(PAPERS) + len(HARVESTED)
    assert not missing, f"replicas {missing} did not find the harvest within 30 s: {counts}"
    # digests: due now; the workers' minute job sends each once (one worker per minute)
    inbox: Inbox = site["inbox"]
    deadline = time.monotonic() + 100
    while len(inbox.messages) < len(RECIPIENTS) and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(3)  # anything sent twice would arrive now
    received = Counter(str(m["To"]) for m in inbox.messages)
    assert received == Counter(RECIPIENTS), received
    with engine.connect() as conn:
        runs = conn.execute(
            text("SELECT period, count(*) FROM job_runs WHERE name = 'digests' GROUP BY period")
        ).all()
    assert runs and all(n == 1 for _, n in runs)  # once per minute, whichever worker
    print(  # the run's figures (pytest -rP shows them)
        f"reads {dict(seen)}; comments acknowledged {len(acked)} of {len(sent)} sent, "
        f"stored {sum(stored.values())}; digests {dict(received)}; digest runs {len(runs)}"
    )
