"""In Chromium, at desktop and phone sizes: the phone header keeps at most 64 px on screen while
scrolling and is padded like the content; pages do not sit flush under the header; the search
box fits its placeholder; the vote box clears "Submitted by"; title math takes the title's font."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from paperfeed.app import create_app
from paperfeed.config import Settings
from tests.browser import ARTIFACTS, chromium_or_skip, launch
from tests.live import live_server
from tests.web.conftest import PAPERS, store

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'layout.db'}"


def _box(page, selector: str) -> dict:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "s => { const r = document.querySelector(s).getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width}; }",
        selector,
    )


def test_layout(engine: Engine, settings: Settings) -> None:
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    store(engine, PAPERS)
    with engine.begin() as conn:  # a submitted paper: its page has "Submitted by"
        conn.execute(
            text(
                "INSERT INTO users (email, display_name, password_hash, role, created_at) "
                "VALUES ('s@example.org', 'Sam Submitter', '-', 'user', :t)"
            ),
            {"t": datetime(2026, 8, 1, tzinfo=UTC)},
        )
        conn.execute(
            text(
                "INSERT INTO submissions (paper_id, user_id, submitted_on, submitted_at) "
                "SELECT id, 1, '2026-08-05', :t FROM papers WHERE arxiv_id = '2608.00001'"
            ),
            {"t": datetime(2026, 8, 5, tzinfo=UTC)},
        )
    with live_server(create_app(settings, engine)) as base, sync_playwright() as p:
        browser = launch(p)
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(f"{base}/papers/date/2026-08-04")
        header, card = _box(phone, ".site-header"), _box(phone, ".card")
        search = _box(phone, ".search input")
        assert search["left"] >= card["left"] - 1 and search["right"] <= card["right"] + 1
        phone.mouse.wheel(0, 500)
        phone.wait_for_timeout(200)
        scrolled = _box(phone, ".site-header")
        assert scrolled["bottom"] <= 64, (header, scrolled)
        assert _box(phone, ".brand")["top"] >= 0  # the row of links stays in view
        phone.screenshot(path=str(ARTIFACTS / "layout-phone-scrolled.png"))

        desk = browser.new_page(viewport={"width": 1366, "height": 900})
        desk.goto(f"{base}/papers/date/2026-08-04")
        gap = _box(desk, ".list-head")["top"] - _box(desk, ".site-header")["bottom"]
        assert gap >= 16, gap
        # nothing drawn above the header (the icon symbols' <svg> once took 300 x 150 there)
        assert _box(desk, ".site-header")["top"] == 0
        icon = _box(desk, ".comments-link use")
        assert icon["width"] > 0  # the comment icon still draws from its symbol
        fits = desk.evaluate(
            "() => { const i = document.querySelector('#search-box');"
            " const c = document.createElement('canvas').getContext('2d');"
            " c.font = getComputedStyle(i).font;"
            " return i.clientWidth >= c.measureText(i.placeholder).width + 20; }"
        )
        assert fits
        desk.goto(f"{base}/papers/2608.00001")
        vote, submitted = _box(desk, ".paper-top .vote"), _box(desk, ".submitted")
        assert vote["bottom"] <= submitted["top"], (vote, submitted)
        fonts = desk.evaluate(
            "() => [getComputedStyle(document.querySelector('.paper-title')).fontFamily,"
            " getComputedStyle(document.querySelector('.paper-title math')).fontFamily]"
        )
        assert fonts[0] == fonts[1], fonts
        desk.screenshot(path=str(ARTIFACTS / "layout-paper.png"))
        browser.close()
