"""axe-core (the npm package, injected by Playwright) finds no serious or critical
violation on the daily list, a paper page, search, trending, sign-up and the digest page,
in the light and the dark theme."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from paperfeed.digests.tokens import make_token
from tests.browser import ARTIFACTS, chromium_or_skip, launch
from tests.digests.conftest import add_subscribers
from tests.live import live_server
from tests.web.conftest import PAPERS, store

pytestmark = pytest.mark.browser
AXE = Path(
    os.environ.get(
        "PAPERFEED_AXE",
        Path(__file__).resolve().parents[2] / ".tools/node_modules/axe-core/axe.min.js",
    )
)
PAGES = [
    "/papers/date/2026-08-04",
    "/papers/2608.00001",
    "/search?q=paper",
    "/papers/trending?window=month",
    "/signup",
    "/digests/manage?token={manage}",  # the digest settings page
]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'axe.db'}"


def _axe_or_skip() -> str:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core is required in CI ({AXE}: `make test` installs it with npm)")
        pytest.skip(f"axe-core not installed at {AXE} (npm install --prefix .tools axe-core@4)")
    return AXE.read_text()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_serious_violations(engine: Engine, settings: Settings, theme: str) -> None:
    chromium_or_skip()
    axe = _axe_or_skip()
    from playwright.sync_api import sync_playwright

    store(engine, PAPERS)
    add_subscribers(engine, ["reader@example.org"])
    manage = make_token(settings, "manage", 1, "reader@example.org")
    found: dict[str, list[str]] = {}
    with live_server(create_app(settings, engine)) as base, sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(  # bypass_csp: only to inject axe, a test tool
            color_scheme=theme, viewport={"width": 1280, "height": 900}, bypass_csp=True
        )
        for path in PAGES:
            page.goto(f"{base}{path.format(manage=manage)}")
            page.add_script_tag(content=axe)
            result = page.evaluate("async () => await axe.run(document)")
            bad = [
                f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if bad:
                found[path] = bad
        page.goto(f"{base}/papers/date/2026-08-04")
        page.screenshot(path=str(ARTIFACTS / f"axe-daily-{theme}.png"))
        browser.close()
    assert not found, "\n".join(
        f"{page} {issue}" for page, issues in found.items() for issue in issues
    )
