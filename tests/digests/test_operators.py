"""For operators: `paperfeed digest preview | send`, the admin page, the job queue."""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from paperfeed.cli.main import app
from paperfeed.config import Settings
from paperfeed.digests.delivery import plan_due, send_pending
from paperfeed.digests.queue import make_queue
from tests.community.conftest import sign_up
from tests.digests.conftest import FRIDAY_9, Inbox, add_subscribers
from tests.services import redis_or_skip

REDIS = os.environ.get("PAPERFEED_TEST_REDIS_QUEUE", "redis://127.0.0.1:6379/15")


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PAPERFEED_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PAPERFEED_DATABASE_URL", settings.sqlalchemy_url)
    monkeypatch.setenv("PAPERFEED_MAIL_BACKEND", "file")
    return settings


def test_preview_and_dry_run(engine: Engine, env: Settings, filled_papers: None) -> None:
    add_subscribers(engine, ["reader@example.org"], categories="cs.LG cs.CV hep-th")
    runner = CliRunner()
    result = runner.invoke(app, ["digest", "preview", "reader@example.org"])
    assert result.exit_code == 0, result.output
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in result.output
    assert "/digests/manage?token=" in result.output
    missing = runner.invoke(app, ["digest", "preview", "nobody@example.org"])
    assert missing.exit_code == 1 and "no subscription for nobody@example.org" in missing.output
    dry = runner.invoke(app, ["digest", "send", "--dry-run"])
    assert dry.exit_code == 0 and "digests due now" in dry.output
    assert not (env.data_dir / "mail").exists()  # nothing sent


def test_admin_sees_sent_failed_and_suspended(
    client: TestClient, inbox: Inbox, engine: Engine, site_settings: Settings
) -> None:
    add_subscribers(engine, ["x@example.org"], trending=True, skip_empty=False)
    plan_due(engine, FRIDAY_9)
    send_pending(engine, site_settings, clock=lambda: FRIDAY_9)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE digest_subscriptions SET suspended_at = :t, refusals = 3"),
            {"t": FRIDAY_9},
        )
    sign_up(client, inbox, "boss@example.org", "Boss")
    assert client.get("/admin/digests").status_code == 403
    runner = CliRunner()
    runner.invoke(
        app,
        ["users", "set-role", "boss@example.org", "admin"],
        env={
            "PAPERFEED_DATA_DIR": str(site_settings.data_dir),
            "PAPERFEED_DATABASE_URL": site_settings.sqlalchemy_url,
        },
    )
    page = client.get("/admin/digests")
    assert page.status_code == 200
    assert "x@example.org" in page.text and "sent" in page.text and "3 refusals" in page.text


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_the_queue_runs_the_digest_task(
    backend: str, engine: Engine, settings: Settings, filled_papers: None
) -> None:
    if backend == "redis":
        redis_or_skip(REDIS)
    conf = settings.model_copy(
        update={"worker_queue": backend, "redis_url": REDIS, "mail_backend": "file"}
    )
    queue = make_queue(conf)
    huey = queue.huey
    assert type(huey).__name__ == ("RedisHuey" if backend == "redis" else "SqliteHuey")
    huey.flush()
    assert set(queue.tasks) == {"digests", "search-indexes", "harvest", "thumbnails"}
    add_subscribers(engine, ["q@example.org"], hour=0)
    plan_due(engine, FRIDAY_9)
    queue.tasks["digests"]()  # enqueued in the real storage
    job = huey.dequeue()
    assert job is not None
    huey.execute(job)
    mails = list((conf.data_dir / "mail").glob("*.eml"))
    assert mails and all("q@example.org" in m.read_text() for m in mails)
    with engine.connect() as conn:
        status = conn.execute(
            text("SELECT status FROM digest_deliveries WHERE period = 'daily:2026-08-07'")
        ).scalar_one()
    assert status == "sent"  # (the task also plans today's digest if it is due right now)
    huey.flush()
