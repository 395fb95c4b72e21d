"""The hostile corpus through every way in (OAI harvest, a member's submit fetched from the
arXiv API, `paperfeed import`), then every kind of page in Chromium: no script runs (no
dialog, no injected element or handler), no injected style, no javascript: link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from paperfeed.app import create_app
from paperfeed.community.accounts import create_admin
from paperfeed.config import Settings
from paperfeed.ingest.harvester import HarvestRequest, client_for, harvest
from paperfeed.ingest.importer import import_file
from tests import records as R
from tests.browser import ARTIFACTS, chromium_or_skip, launch
from tests.live import live_server
from tests.security import hostile
from tests.standin import ArxivStandIn

pytestmark = pytest.mark.browser

# What must not be on any page: elements or attributes that only an injection would add.
DOM_CHECK = """() => {
  const bad = [];
  for (const s of document.querySelectorAll('script'))
    if (!(s.src || '').endsWith('/static/app.js')) bad.push('script: ' + s.outerHTML.slice(0, 80));
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes)
      if (a.name.startsWith('on')) bad.push('handler ' + a.name + ' on ' + el.tagName);
    if (el.closest('math') && (el.hasAttribute('style') || el.hasAttribute('href')
        || el.hasAttribute('class')))
      bad.push('math attribute on ' + el.tagName + ': ' + el.outerHTML.slice(0, 80));
    if (getComputedStyle(el).position === 'fixed' && !el.closest('header'))
      bad.push('fixed element ' + el.tagName);
  }
  for (const a of document.querySelectorAll('a[href]'))
    if (/^\\s*[a-z][a-z0-9+.-]*:/i.test(a.getAttribute('href'))
        && !/^(https?|mailto):/i.test(a.getAttribute('href').trim()))
      bad.push('link ' + a.getAttribute('href'));
  const thumbnail = (el) => el.tagName === 'IMG' && el.parentElement.matches('a.thumb')
    && /^\\/thumbnails\\/[0-9a-z.\\/-]+\\.webp$/i.test(el.getAttribute('src'));
  for (const el of document.querySelectorAll('img, svg, iframe, object, embed, style'))
    if (el.closest('main') && el.tagName !== 'svg' && !thumbnail(el))
      bad.push('element ' + el.tagName + ' ' + el.outerHTML.slice(0, 80));
  return bad;
}"""


def _fill(engine: Engine, settings: Settings, standin: ArxivStandIn, tmp: Path) -> datetime:
    when = datetime.now(UTC) - timedelta(days=2)
    standin.records = hostile.harvested(when)
    request = HarvestRequest("cs:cs:LG", (when - timedelta(days=1)).date(), None, "arXivRaw")
    with client_for(settings) as client:
        summary = harvest(engine, settings, request, client=client)
    assert summary.counts.added == len(standin.records), summary
    snapshot = tmp / "hostile.jsonl"
    snapshot.write_bytes(b"".join(R.snapshot_line(r) for r in hostile.imported(when)))
    summary = import_file(engine, snapshot, rejects_dir=tmp / "rejects")
    assert summary.counts.added == 3, summary
    standin.records = [hostile.submitted(when)]
    with engine.begin() as conn:
        create_admin(conn, "mod@example.org", "correct horse battery", when)
    return when


def _pages(engine: Engine, when: datetime) -> list[str]:
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT arxiv_id FROM papers ORDER BY arxiv_id"))]
        days = {str(r[0]) for r in conn.execute(text("SELECT DISTINCT feed_date FROM papers"))}
    week = when.date().isocalendar()
    return [
        "/",
        "/papers",
        *[f"/papers/date/{d[:10]}" for d in sorted(days)],
        f"/papers/week/{week[0]}-W{week[1]:02d}",
        f"/papers/month/{when:%Y-%m}",
        "/papers/trending",
        "/search?q=hostile",
        "/search?q=abstract+carrying",
        "/authors/Jane%20Doe",
        *[f"/papers/{i}" for i in ids],
    ]


def test_no_script_or_style_from_metadata_runs_on_any_page(
    engine: Engine, settings: Settings, standin: ArxivStandIn, tmp_path: Path
) -> None:
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    when = _fill(engine, settings, standin, tmp_path)
    app = create_app(settings.model_copy(update={"semantic_search": False}), engine)
    with live_server(app) as url, sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{url}/login")
        page.fill("input[name=email]", "mod@example.org")
        page.fill("input[name=password]", "correct horse battery")
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state("load")
        page.goto(f"{url}/submit")
        page.fill("input[name=paper]", "2611.00900")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url("**/papers/2611.00900*")
        problems: dict[str, list[str]] = {}
        pages = _pages(engine, when)
        assert "/papers/2611.00900" in pages and "/papers/2608.00801" in pages
        for path in pages:
            response = page.goto(f"{url}{path}")
            assert response is not None and response.status == 200, path
            found = page.evaluate(DOM_CHECK)
            if found:
                problems[path] = found
        page.goto(f"{url}/papers/2608.00001")
        page.screenshot(path=str(ARTIFACTS / "hostile-paper.png"), full_page=True)
        shown = page.locator(".paper-title").inner_text()
        browser.close()
    assert dialogs == [], dialogs
    assert problems == {}, problems
    assert "<script>alert('text')</script>" in shown  # the payload is shown as text
