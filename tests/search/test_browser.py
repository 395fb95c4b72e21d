"""In Chromium: a search by meaning, the footer's digest box, the digest settings page."""

from __future__ import annotations

import email
from email.policy import default as default_policy

import pytest
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from paperfeed.search.indexing import embed_pending
from tests.browser import ARTIFACTS, chromium_or_skip, launch
from tests.live import live_server

pytestmark = pytest.mark.browser


def test_search_by_meaning_and_digest_pages(topical: Engine, settings: Settings) -> None:
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    embed_pending(topical, settings)
    conf = settings.model_copy(update={"mail_backend": "file"})
    app = create_app(conf, topical)
    app.state.search.embedder(wait=True)
    with live_server(app) as base, sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(f"{base}/search?q=automobile+in+the+rain")
        cards = page.locator("article.card")
        assert cards.count() >= 1
        assert "Self-driving cars" in cards.first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "search-meaning.png"), full_page=True)
        # subscribe from the footer; the confirmation email goes to the file mailer
        page.fill("#digest-email", "reader@example.org")
        page.click(".digest-subscribe button")
        assert "Check your email" in page.inner_text("h1")
        raw = next((conf.data_dir / "mail").glob("*.eml")).read_bytes()
        mail = email.message_from_bytes(raw, policy=default_policy)
        text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        link = next(w for w in text.split() if "/digests/confirm?token=" in w)
        page.goto(base + link[link.index("/digests/") :])
        assert "Confirmed" in page.inner_text("main")
        page.check("input[name=frequency][value=weekly]")
        page.fill("#categories", "cs.RO")
        page.click("button[type=submit].primary")
        assert "Saved." in page.inner_text("main")
        assert page.locator("#categories").input_value() == "cs.RO"
        page.screenshot(path=str(ARTIFACTS / "digest-settings.png"), full_page=True)
        browser.close()
