"""In Chromium: import a BibTeX file into a collection -> follow an author -> the for-you page
ranked with reasons -> "not interested" and a mute hold on the next load -> the collection
made public -> its feed parses (feedparser), its BibTeX re-imports to the same papers."""

from __future__ import annotations

from pathlib import Path

import feedparser
import httpx
import pytest
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from tests.browser import ARTIFACTS, chromium_or_skip, launch
from tests.community.conftest import Inbox
from tests.live import live_server

pytestmark = pytest.mark.browser

LIBRARY = """@misc{chen2026speculative, title = {Speculative decoding with a small draft model},
  eprint = {2611.00101}, archivePrefix = {arXiv}}
@article{grasps, title = {Learning dexterous grasps for a robot hand},
  url = {https://arxiv.org/abs/2611.00201}}
@book{gardening, title = {A book about gardening}}
"""


def _sign_up(page, base: str, inbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.goto(f"{base}/signup")
    page.fill("#email", "mira@example.org")
    page.fill("#display_name", "Mira")
    page.fill("#password", "correct horse battery")
    page.click("form[action='/signup'] button[type=submit]")
    expect(page.locator("h1")).to_have_text("Check your email")
    page.goto(inbox.link("mira@example.org", "/verify?token=").replace("http://testserver", base))
    page.goto(f"{base}/login")
    page.fill("#email", "mira@example.org")
    page.fill("#password", "correct horse battery")
    page.click("form[action='/login'] button[type=submit]")


def test_for_you_journey(
    engine: Engine, site_settings: Settings, inbox: Inbox, corpus: list, tmp_path: Path
) -> None:
    chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    bib = tmp_path / "zotero.bib"
    bib.write_text(LIBRARY)
    dialect = engine.dialect.name
    with live_server(create_app(site_settings, engine)) as base, sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        _sign_up(page, base, inbox)
        page.goto(f"{base}/library")
        page.fill("#collection-name", "Reading group")
        page.click("form[action='/library/collections'] button[type=submit]")
        expect(page.locator(".collections")).to_contain_text("Reading group · 0 papers · private")
        page.set_input_files("#import-file", str(bib))
        page.select_option("#import-collection", label="Reading group")
        page.click("form[action='/library/import'] button[type=submit]")
        expect(page.locator(".notice")).to_contain_text(
            "2 matched, 0 fetched from arXiv, 1 unmatched"
        )
        expect(page.locator(".unmatched")).to_contain_text("gardening")
        page.screenshot(path=str(ARTIFACTS / f"library-{dialect}.png"), full_page=True)

        page.goto(f"{base}/authors/Sara Lind")
        follow = page.locator("[data-toggle-url='/api/follows/authors/Sara%20Lind']")
        follow.click()
        expect(follow).to_have_attribute("aria-pressed", "true")

        page.goto(f"{base}/for-you?window=month")
        cards = page.locator(".cards .card")
        expect(cards.first.locator(".reasons")).to_contain_text("by Sara Lind, whom you follow")
        expect(page.locator(".reasons").nth(3)).to_contain_text("like “")
        page.screenshot(path=str(ARTIFACTS / f"for-you-{dialect}.png"), full_page=True)
        first = cards.first.locator(".card-title a").inner_text()
        cards.first.locator("[data-not-interested]").click()
        expect(cards.first).to_have_class("card dismissed")
        page.reload()
        expect(page.locator(".card-title").first).not_to_have_text(first)
        assert first not in page.locator(".card-title").all_inner_texts()

        page.goto(f"{base}/library")
        page.fill("#add-mute-keyword", "robot")
        page.click("form:has(#add-mute-keyword) button[type=submit]")
        page.goto(f"{base}/for-you?window=month")
        shown = " | ".join(page.locator(".card-title").all_inner_texts())
        assert "Sim-to-real transfer" not in shown  # "robot" in its abstract
        assert "Tactile sensing" in shown  # "robotic" is not the muted word

        page.goto(f"{base}/library")
        page.click("form[action^='/library/collections/'] button:has-text('Make public')")
        expect(page.locator(".collections")).to_contain_text("2 papers · public")
        page.click(".collections a")
        expect(page.locator("h1")).to_have_text("Reading group")
        collection = page.url.rsplit("/", 1)[1]
        token = page.locator("meta[name=csrf-token]").get_attribute("content")
        exported = page.request.get(f"{base}/api/collections/{collection}.bib").text()
        again = page.request.post(
            f"{base}/api/library/import", data=exported, headers={"X-CSRF-Token": token or ""}
        ).json()
        browser.close()
    assert sorted(m["arxivId"] for m in again["matched"]) == ["2611.00101", "2611.00201"]
    assert again["unmatched"] == [] and again["added"] == 0
    with live_server(create_app(site_settings, engine)) as base:
        feed = feedparser.parse(httpx.get(f"{base}/feeds/collections/{collection}.atom").content)
    assert not feed.bozo and {e.link.rsplit("/", 1)[1] for e in feed.entries} == {
        "2611.00101",
        "2611.00201",
    }
