"""In Chromium: the list pages' "Get trending papers in your inbox" banner leads to the
subscribe box, and once dismissed stays away on every list page."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from tests.browser import ARTIFACTS, chromium_or_skip, launch
from tests.live import live_server
from tests.web.conftest import PAPERS, store

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'banner.db'}"


def test_banner_dismissed_is_remembered(engine: Engine, settings: Settings) -> None:
    chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    store(engine, PAPERS)
    with live_server(create_app(settings, engine)) as base, sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/papers/date/2026-08-04")
        banner = page.locator(".subscribe-banner")
        expect(banner).to_be_visible()
        expect(page.locator(".card-foot").first).to_contain_text("GitHub")
        page.screenshot(path=str(ARTIFACTS / "cards-with-banner.png"))
        banner.locator("a", has_text="Subscribe").click()
        expect(page.locator("#digest-email")).to_be_in_viewport()
        banner.locator("[data-dismiss]").click()
        expect(banner).to_be_hidden()
        page.goto(f"{base}/papers/week/2026-W32")
        expect(page.locator(".subscribe-banner")).to_be_hidden()
        browser.close()
