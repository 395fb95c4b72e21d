"""Exactly once: 1,000 due digests, the sender SIGKILLed mid-way and restarted; two senders
at once; the SMTP server refusing connections for a while. Every address gets one."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, text

from paperfeed.config import Settings
from paperfeed.digests.delivery import plan_due, send_pending
from tests.digests.conftest import FRIDAY_9, Inbox, add_subscribers

N = 1000
PAPERFEED = str(Path(sys.executable).parent / "paperfeed")


def _addresses(n: int) -> list[str]:
    return [f"reader{i:04d}@example.org" for i in range(n)]


def _env(settings: Settings, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "PAPERFEED_DATABASE_URL": settings.sqlalchemy_url,
        "PAPERFEED_DATA_DIR": str(settings.data_dir),
        "PAPERFEED_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "PAPERFEED_DIGEST_LEASE_SECONDS": "1",
        "PAPERFEED_DIGEST_RETRY_BASE_SECONDS": "0",
    }


def _received(inbox: Inbox) -> Counter[str]:
    return Counter(str(m["To"]) for m in inbox.messages)


def _statuses(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(
            conn.execute(
                text("SELECT status, count(*) FROM digest_deliveries GROUP BY status")
            ).all()
        )


@pytest.mark.slow
def test_killed_sender_restarted_sends_each_digest_once(
    engine: Engine,
    settings: Settings,
    filled_papers: None,
    smtp: tuple[Inbox, int],
) -> None:
    inbox, port = smtp
    add_subscribers(engine, _addresses(N))
    assert plan_due(engine, FRIDAY_9) == N
    env = _env(settings, port)
    first = subprocess.Popen(
        [PAPERFEED, "digest", "send", "--no-plan"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while len(inbox.messages) < N // 4 and time.monotonic() < deadline:
        assert first.poll() is None, first.stderr.read() if first.stderr else ""
        time.sleep(0.005)
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_at = len(inbox.messages)
    assert 0 < killed_at < N, "the kill must land mid-way"
    time.sleep(1.2)  # the killed sender's claim expires
    done = subprocess.run(
        [PAPERFEED, "digest", "send", "--no-plan"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    time.sleep(0.3)
    received = _received(inbox)
    assert set(received) == set(_addresses(N))
    assert max(received.values()) == 1
    assert _statuses(engine) == {"sent": N}


@pytest.mark.slow
def test_two_senders_at_once(
    engine: Engine, settings: Settings, filled_papers: None, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    add_subscribers(engine, _addresses(300))
    plan_due(engine, FRIDAY_9)
    env = _env(settings, port)
    procs = [
        subprocess.Popen(
            [PAPERFEED, "digest", "send", "--no-plan"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0
    time.sleep(0.3)
    received = _received(inbox)
    assert len(received) == 300 and max(received.values()) == 1


def test_smtp_down_for_a_while(engine: Engine, settings: Settings, filled_papers: None) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conf = settings.model_copy(
        update={"smtp_url": f"smtp://127.0.0.1:{port}", "digest_retry_base_seconds": 0}
    )
    add_subscribers(engine, _addresses(N))
    plan_due(engine, FRIDAY_9)
    down = send_pending(engine, conf, clock=lambda: FRIDAY_9)
    # connection refused: this batch waits for its backoff, and the run stops there
    assert down.sent == 0 and down.retried == 200
    assert _statuses(engine) == {"pending": N}
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        up = send_pending(engine, conf, clock=lambda: FRIDAY_9)
        time.sleep(0.2)
        received = _received(inbox)
    finally:
        controller.stop()
    assert up.sent == N and len(received) == N and max(received.values()) == 1
    assert _statuses(engine) == {"sent": N}
