"""In Chromium: sign up -> verify by the emailed link -> submit -> upvote -> comment -> trending."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from tests import records as R
from tests.browser import ARTIFACTS, chromium_or_skip, launch
from tests.community.conftest import Inbox
from tests.live import live_server
from tests.standin import ArxivStandIn

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'browser.db'}"


def test_member_journey(
    engine: Engine, site_settings: Settings, inbox: Inbox, standin: ArxivStandIn
) -> None:
    chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    standin.records = [
        R.Rec(
            id="2611.07777",
            title=r"A journey through $\beta$-spaces",
            versions=[datetime.now(UTC) - timedelta(days=1)],
        )
    ]
    with live_server(create_app(site_settings, engine)) as base, sync_playwright() as p:
        settings_base = base
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(f"{base}/signup")
        page.fill("#email", "walker@example.org")
        page.fill("#display_name", "Walker")
        page.fill("#password", "a long walk home")
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_have_text("Check your email")
        link = inbox.link("walker@example.org", "/verify?token=")
        page.goto(link.replace("http://testserver", settings_base))
        expect(page.locator("h1")).to_have_text("Email confirmed")
        page.goto(f"{base}/login")
        page.fill("#email", "walker@example.org")
        page.fill("#password", "a long walk home")
        page.click("form[action='/login'] button[type=submit]")
        page.goto(f"{base}/submit")
        page.fill("#paper", "https://arxiv.org/abs/2611.07777")
        page.click("form[action='/submit'] button[type=submit]")
        expect(page.locator(".notice")).to_contain_text("Submitted")
        expect(page.locator(".submitted")).to_contain_text("Walker")
        vote = page.locator(".paper-top .vote button")
        url_before = page.url
        vote.click()
        expect(page.locator(".paper-top .vote .count")).to_have_text("1")
        assert page.url == url_before  # no reload
        page.fill("#comment-body", "Lovely **result**")
        page.click(".comment-form button[type=submit]")
        expect(page.locator(".comment-body strong")).to_have_text("result")
        page.goto(f"{base}/papers/trending?window=day")
        expect(page.locator(".card-title")).to_contain_text("A journey through")
        expect(page.locator(".score-parts")).to_contain_text("1 upvote")
        page.screenshot(path=str(ARTIFACTS / "trending.png"))
        browser.close()
