"""/api/docs in Chromium with no network but loopback: the Swagger UI renders the operations,
every file from paperfeed itself (it was a blank page: its assets came from a CDN)."""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, chromium_or_skip, launch
from tests.clients.conftest import Site

pytestmark = pytest.mark.browser


def test_the_docs_render_from_local_files(site: Site) -> None:
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(f"{site.url}/api/docs")
        page.wait_for_selector(".opblock", timeout=20_000)
        assert page.locator(".opblock").count() >= 20
        assert "paperfeed" in page.locator(".info .title").inner_text()
        page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
        browser.close()
    assert requests and all(u.startswith(site.url) for u in requests), requests
