"""In Chromium (Debian's, driven by Playwright): daily page -> paper page, math rendered."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("PAPERFEED_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """One database is enough to drive the browser: SQLite (the pages' queries run on both)."""
    return f"sqlite:///{tmp_path / 'browser.db'}"


def chromium_or_skip() -> None:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI ({CHROMIUM})")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture
def live_url(filled: Engine, settings: Settings) -> Iterator[str]:
    chromium_or_skip()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, filled), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


def test_daily_page_to_paper_with_rendered_math(live_url: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
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
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
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
