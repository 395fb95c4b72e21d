"""In Chromium (Debian's, driven by Playwright): daily page -> paper page, math rendered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from tests.browser import ARTIFACTS, chromium_or_skip, launch
from tests.live import live_server

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """One database is enough to drive the browser: SQLite (the pages' queries run on both)."""
    return f"sqlite:///{tmp_path / 'browser.db'}"


@pytest.fixture
def live_url(filled: Engine, settings: Settings) -> Iterator[str]:
    chromium_or_skip()
    with live_server(create_app(settings, filled)) as url:
        yield url


def test_daily_page_to_paper_with_rendered_math(live_url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(f"{live_url}/papers/date/2026-08-04")
        assert page.locator(".card").count() == 2
        page.screenshot(path=str(ARTIFACTS / "daily.png"))
        page.keyboard.press("j")
        assert page.locator(".card.is-active").count() == 1
        page.get_by_role("link", name="Bounds for").click()
        page.wait_for_url("**/papers/2608.00001")
        math = page.locator(".paper-title math")
        assert math.count() == 1
        box = math.bounding_box()
        assert box is not None and box["width"] > 5  # laid out as MathML, not raw TeX
        assert "$" not in page.locator(".paper-title").inner_text()
        page.screenshot(path=str(ARTIFACTS / "paper.png"), full_page=True)
        page.keyboard.press("/")
        assert page.evaluate("document.activeElement.id") == "search-box"
        browser.close()
    assert all(u.startswith(live_url) for u in requests), "every asset is served by paperfeed"


def test_html_in_metadata_never_runs_in_the_browser(live_url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in ["/papers/date/2026-08-05", "/papers/2608.00003"]:
            page.goto(f"{live_url}{path}")
            page.wait_for_load_state("load")
        title = page.locator(".paper-title").inner_text()
        assert "<script>alert(1)</script>" in title  # shown as text
        assert page.locator(".author-list img").count() == 0
        assert page.locator('a[href^="javascript:"]').count() == 0
        browser.close()
    assert dialogs == []
