"""In Chromium, the first hour's broken paths (issue 16, items 1 and 3): opening the digest
page subscribes nobody until its form is sent; a submitted paper's day is the default list
and Previous/Next reach it from the harvested days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from paperfeed.app import create_app
from paperfeed.config import Settings
from paperfeed.digests.models import Subscription
from tests import records as R
from tests.browser import ARTIFACTS, chromium_or_skip, launch
from tests.community.conftest import Inbox
from tests.live import live_server
from tests.standin import ArxivStandIn
from tests.web.conftest import PAPERS, store

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'first-hour.db'}"


def _subscriptions(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Subscription)).scalar_one())


def test_digest_page_and_submitted_day(
    engine: Engine, site_settings: Settings, inbox: Inbox, standin: ArxivStandIn
) -> None:
    chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    store(engine, PAPERS)
    standin.records = [
        R.Rec(
            id="2611.04245",
            title="Found by navigation",
            versions=[datetime.now(UTC) - timedelta(days=2)],
        )
    ]
    with live_server(create_app(site_settings, engine)) as base, sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/signup")
        page.fill("#email", "nora@example.org")
        page.fill("#display_name", "Nora")
        page.fill("#password", "correct horse battery")
        page.click("form[action='/signup'] button[type=submit]")
        page.goto(
            inbox.link("nora@example.org", "/verify?token=").replace("http://testserver", base)
        )
        page.goto(f"{base}/login")
        page.fill("#email", "nora@example.org")
        page.fill("#password", "correct horse battery")
        page.click("form[action='/login'] button[type=submit]")

        page.goto(f"{base}/account")
        page.click("a:has-text('Choose your daily or weekly digest')")
        expect(page.locator("form[action='/account/digest']")).to_be_visible()
        page.reload()
        assert _subscriptions(engine) == 0  # looking subscribes nobody
        page.check("input[name=frequency][value=weekly]")
        page.click("form[action='/account/digest'] button[type=submit]")
        expect(page.locator("h1")).to_contain_text("digest")
        assert _subscriptions(engine) == 1

        page.goto(f"{base}/submit")
        page.fill("#paper", "2611.04245")
        page.click("form[action='/submit'] button[type=submit]")
        expect(page.locator(".notice")).to_contain_text("Submitted")
        page.goto(f"{base}/papers")
        expect(page.locator(".card-title").first).to_have_text("Found by navigation")
        today = page.locator(".period-nav h1").inner_text()
        page.click("a[rel=prev]")
        expect(page.locator(".period-nav h1")).to_have_text("Friday, 7 August 2026")
        page.click("a[rel=next]")
        expect(page.locator(".period-nav h1")).to_have_text(today)
        expect(page.locator(".card-title").first).to_have_text("Found by navigation")
        page.screenshot(path=str(ARTIFACTS / "submitted-day.png"))
        browser.close()
