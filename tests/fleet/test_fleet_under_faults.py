"""The fleet on loopback: a PostgreSQL primary and its streaming replica (the web replicas
read from it), Redis, Debian's nginx in front of 3 web replicas, 2 workers on the Redis queue,
the arXiv stand-in, aiosmtpd. For 60 s readers and writers (comments, upvotes, submissions,
digest subscriptions) go through nginx while a replica and a worker are SIGKILLed and
restarted and a harvest runs; then: no 5xx on reads, every acknowledged write stored exactly
once, the harvest searchable on every replica, the due digests delivered once each, each
periodic job run once per period, and the dead replica's /readyz seen coming back."""

from __future__ import annotations

import itertools
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import Engine, text

from paperfeed.community.accounts import Account
from paperfeed.community.api_tokens import create_token
from paperfeed.db.engine import make_engine
from paperfeed.db.migrate import upgrade
from tests import records as R
from tests.community.conftest import Inbox, smtp  # noqa: F401  (fixture)
from tests.digests.conftest import add_subscribers
from tests.ops.test_nginx_in_front import NGINX, _port, _wait, start_nginx
from tests.replica import PrimaryWithReplica, require_replica
from tests.standin import ArxivStandIn
from tests.web.conftest import PAPERS, store

pytestmark = [
    pytest.mark.fleet,
    pytest.mark.timeout(400),
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed"),
]
LOAD_SECONDS = 60
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
VOTED = [r.id for r in PAPERS]


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
def database() -> Iterator[tuple[Engine, str, str]]:
    """The primary (an engine on it, its URL) and its streaming replica's URL."""
    require_replica()
    with PrimaryWithReplica() as pair:
        engine = make_engine(pair.primary_url)
        upgrade(engine)
        yield engine, pair.primary_url, pair.replica_url
        engine.dispose()


@pytest.fixture
def site(
    database: tuple[Engine, str, str],
    smtp: tuple[Inbox, int],  # noqa: F811
    tmp_path: Path,
) -> Iterator[dict]:
    engine, primary, replica = database
    store(engine, PAPERS)
    weekday = datetime.now(UTC).weekday()  # weekly digests due today from 00:00 UTC
    add_subscribers(
        engine, RECIPIENTS, frequency="weekly", weekday=weekday, hour=0, skip_empty=False
    )
    redis.Redis.from_url(REDIS).flushdb()
    with ArxivStandIn(HARVESTED, page_size=3) as standin:
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
        base_env.update(
            PAPERFEED_DATABASE_URL=primary,
            PAPERFEED_REDIS_URL=REDIS,
            PAPERFEED_WORKER_QUEUE="redis",
            PAPERFEED_SECRET_KEY="s" * 48,
            PAPERFEED_SEMANTIC_SEARCH="false",
            PAPERFEED_MIGRATE_ON_START="false",
            PAPERFEED_SMTP_URL=f"smtp://127.0.0.1:{smtp[1]}",
            PAPERFEED_ARXIV_OAI_URL=f"{standin.url}/oai",
            PAPERFEED_ARXIV_API_URL=f"{standin.url}/api/query",
            PAPERFEED_ARXIV_DELAY="0",
            PAPERFEED_CATEGORIES="cs.LG",
            PAPERFEED_RATE_LIMIT_WRITE="100000/minute",
            PAPERFEED_RATE_LIMIT_AUTH="100000/minute",
            PAPERFEED_SUBMISSION_MAX_AGE_DAYS="100000",
            PAPERFEED_TRUSTED_PROXIES="127.0.0.1",
            PAPERFEED_DIGEST_LEASE_SECONDS="3",
            PAPERFEED_JOB_HEARTBEAT_SECONDS="1",
        )

        def web_env(name: str) -> dict[str, str]:
            return {**env(name), "PAPERFEED_DATABASE_READ_URL": replica}

        def env(name: str) -> dict[str, str]:
            return {**base_env, "PAPERFEED_DATA_DIR": str(tmp_path / name)}

        ports = [_port() for _ in range(3)]
        web = [Proc(["serve", "--port", str(p)], web_env(f"web{i}")) for i, p in enumerate(ports)]
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
                "engine": engine,
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


@dataclass
class Writes:
    """What the writers sent and what the site acknowledged."""

    comments_sent: list[str] = field(default_factory=list)
    comments_acked: list[str] = field(default_factory=list)
    votes: dict[tuple[int, str], tuple[bool, bool]] = field(default_factory=dict)  # last
    submitted: dict[str, int] = field(default_factory=dict)  # 201 answers: paper -> writer
    resubmitted: set[str] = field(default_factory=set)  # 200 answers: submitted before
    subscribed_sent: list[str] = field(default_factory=list)
    subscribed_acked: list[str] = field(default_factory=list)


def _writer(base: str, token: str, who: int, stop: threading.Event, log: Writes) -> None:
    """Round after round: a comment, an upvote set or taken back, a submission (bearer
    token), a digest subscription (the form, as a browser sends it)."""
    auth = {"Authorization": f"Bearer {token}"}
    with (
        httpx.Client(base_url=base, timeout=10) as client,
        httpx.Client(base_url=base, timeout=10) as browser,
    ):
        n = 0
        while not stop.is_set():
            kind, turn = n % 4, n // 4
            n += 1
            try:
                if kind == 0:
                    body = f"fleet note {who}-{turn}"
                    log.comments_sent.append(body)
                    r = client.post(
                        "/api/papers/2608.00004/comment", json={"comment": body}, headers=auth
                    )
                    if r.status_code == 201:
                        log.comments_acked.append(body)
                elif kind == 1:
                    paper = VOTED[turn % len(VOTED)]
                    up = (turn // len(VOTED)) % 2 == 0
                    log.votes[(who, paper)] = (up, False)
                    r = client.post(f"/api/papers/{paper}/upvote", json={"up": up}, headers=auth)
                    if r.status_code == 200:
                        log.votes[(who, paper)] = (up, True)
                elif kind == 2:
                    paper = VOTED[turn % len(VOTED)]
                    r = client.post("/api/papers/index", json={"arxivId": paper}, headers=auth)
                    if r.status_code == 201:
                        log.submitted[paper] = who
                    elif r.status_code == 200:
                        log.resubmitted.add(paper)
                else:
                    email = f"sub-{who}-{turn}@example.org"
                    log.subscribed_sent.append(email)
                    page = browser.get("/papers/trending")
                    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
                    if found is None:
                        continue
                    r = browser.post(
                        "/digests/subscribe", data={"email": email, "csrf_token": found[1]}
                    )
                    if r.status_code == 200 and "Check your email" in r.text:
                        log.subscribed_acked.append(email)
            except httpx.HTTPError:
                continue  # unacknowledged: stored at most once
            time.sleep(0.02)


def _watch_ready(port: int, stop: threading.Event, seen: list[tuple[float, int]]) -> None:
    """The replica's own /readyz, polled directly (0: no answer): what a balancer sees."""
    while not stop.is_set():
        try:
            code = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code
        except httpx.HTTPError:
            code = 0
        seen.append((time.monotonic(), code))
        time.sleep(0.25)


def _harvest(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A harvest on a worker's host, as its hourly job would run it."""
    return subprocess.Popen(
        [sys.executable, "-m", "paperfeed", "harvest", "--set", "cs:cs:LG", "--from", "2026-08-01"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _faults(site: dict) -> subprocess.Popen[bytes]:
    """The 60 s under load: a harvest at +5 s, replica 0 killed at +15 s and back at +25 s,
    worker 0 killed at +20 s and back at +30 s."""
    web, workers = site["web"], site["workers"]
    time.sleep(5)
    harvest = _harvest(site["env"]("worker0"))
    for at, act in (
        (15, web[0].kill),
        (20, workers[0].kill),
        (25, web[0].restart),
        (30, workers[0].restart),
    ):
        time.sleep(max(0.0, at - (time.monotonic() - site["started"])))
        act()
    time.sleep(max(0.0, LOAD_SECONDS - (time.monotonic() - site["started"])))
    return harvest


def test_the_fleet_keeps_its_promises_under_faults(site: dict) -> None:
    base, ports, engine = site["base"], site["ports"], site["engine"]
    stop = threading.Event()
    seen: Counter[int] = Counter()
    log = Writes()
    ready: list[tuple[float, int]] = []
    threads = [threading.Thread(target=_reader, args=(base, stop, seen)) for _ in range(4)]
    threads += [
        threading.Thread(target=_writer, args=(base, tok, i, stop, log))
        for i, tok in enumerate(site["tokens"])
    ]
    threads.append(threading.Thread(target=_watch_ready, args=(ports[0], stop, ready)))
    site["started"] = time.monotonic()
    for t in threads:
        t.start()
    try:
        harvest = _faults(site)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert harvest.wait(60) == 0, harvest.stderr.read() if harvest.stderr else ""

    # reads: never a 5xx nor a dropped answer, whatever died
    assert sum(seen.values()) > 500
    assert {code for code in seen if code >= 500 or code == 0} == set(), seen
    stored = _check_writes(engine, log)
    # the dead replica: its /readyz went silent, then answered 200 again before the end
    died = next(t for t, code in ready if code != 200)
    assert any(code == 200 for t, code in ready if t > died), ready[-5:]
    _check_harvest(engine, ports)
    received, runs = _check_digests_and_jobs(engine, site["inbox"])
    print(  # the run's figures (pytest -rP shows them)
        f"reads {dict(seen)}; comments acknowledged {len(log.comments_acked)} of "
        f"{len(log.comments_sent)} sent, stored {stored}; votes "
        f"{sum(1 for _, acked in log.votes.values() if acked)} last acknowledged; submissions "
        f"{len(log.submitted)} created, {len(log.resubmitted)} answered 'before'; "
        f"subscriptions {len(log.subscribed_acked)} of {len(log.subscribed_sent)}; "
        f"digests {dict(received)}; job runs per period {runs}"
    )


def _check_writes(engine: Engine, log: Writes) -> int:
    """Every acknowledged write stored exactly once, nothing stored that was not sent."""
    with engine.connect() as conn:
        comments = Counter(
            r[0]
            for r in conn.execute(text("SELECT body FROM comments WHERE body LIKE 'fleet note %'"))
        )
        votes = {
            (int(who[len("writer") :].split("@")[0]), paper)
            for who, paper in conn.execute(
                text(
                    "SELECT u.email, p.arxiv_id FROM votes v JOIN users u ON u.id = v.user_id"
                    " JOIN papers p ON p.id = v.paper_id WHERE u.email LIKE 'writer%'"
                )
            )
        }
        submissions = {
            paper: who
            for paper, who in conn.execute(
                text(
                    "SELECT p.arxiv_id, u.email FROM submissions s JOIN papers p"
                    " ON p.id = s.paper_id JOIN users u ON u.id = s.user_id"
                )
            )
        }
        subscribed = Counter(
            r[0]
            for r in conn.execute(
                text("SELECT email FROM digest_subscriptions WHERE email LIKE 'sub-%'")
            )
        )
    assert log.comments_acked and all(comments[b] == 1 for b in log.comments_acked)
    assert max(comments.values()) == 1 and set(comments) <= set(log.comments_sent)
    settled = {pair: up for pair, (up, acked) in log.votes.items() if acked}
    assert settled, "no upvote was acknowledged"
    for pair, up in settled.items():
        assert (pair in votes) == up, (pair, up)
    assert log.submitted, "no submission was acknowledged"
    for paper, who in log.submitted.items():
        assert submissions.get(paper) == f"writer{who}@example.org", paper
    assert log.resubmitted <= set(submissions)
    assert log.subscribed_acked and all(subscribed[e] == 1 for e in log.subscribed_acked)
    assert max(subscribed.values()) == 1 and set(subscribed) <= set(log.subscribed_sent)
    return sum(comments.values())


def _check_harvest(engine: Engine, ports: list[int]) -> None:
    """The harvested papers: searchable on all three replicas within 30 s."""
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


def _check_digests_and_jobs(engine: Engine, inbox: Inbox) -> tuple[Counter[str], dict]:
    """Due digests: each recipient got one (the subscribers' confirmations are other mail);
    each periodic job ran once per period, whichever worker."""
    deadline = time.monotonic() + 100
    while time.monotonic() < deadline:
        if {str(m["To"]) for m in inbox.messages} >= set(RECIPIENTS):
            break
        time.sleep(0.5)
    time.sleep(3)  # anything sent twice would arrive now
    received = Counter(str(m["To"]) for m in inbox.messages if str(m["To"]) in RECIPIENTS)
    assert received == Counter(RECIPIENTS), received
    with engine.connect() as conn:
        runs = conn.execute(text("SELECT name, period, worker, outcome FROM job_runs")).all()
    # one row per (job, period) is the table's own constraint; what the fleet must add is
    # that no minute went without its digest run while workers were dying and coming back
    minutes = sorted(period for name, period, _, _ in runs if name == "digests")
    assert len(minutes) >= 2, runs
    assert all(b - a == timedelta(minutes=1) for a, b in itertools.pairwise(minutes)), minutes
    # none failed (a run cut off by the SIGKILL stays unfinished: its worker is gone)
    assert all(outcome != "failed" for name, _, _, outcome in runs if name == "digests"), runs
    return received, dict(Counter(name for name, *_ in runs))
