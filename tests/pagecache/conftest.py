"""A member (Alice) writing through the site while an anonymous reader (a second client on
the same app) re-reads every cached page; both databases."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.community.conftest import (  # noqa: F401  (fixtures used here)
    client,
    filled_papers,
    inbox,
    site_settings,
    smtp,
)

# pages showing 2608.00004 (listed Fri 7 Aug 2026): day, week, month, its own page
PAGES = (
    "/papers/date/2026-08-07",
    "/papers/week/2026-W32",
    "/papers/month/2026-08",
    "/papers/2608.00004",
)


@pytest.fixture
def reader(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """Another visitor of the same app (its own cookies), as a second browser would be."""
    first: TestClient = request.getfixturevalue("client")
    with TestClient(first.app, raise_server_exceptions=False) as other:
        yield other


def upvotes(html: str, arxiv_id: str) -> int:
    """The vote count shown for a paper: its card on a list, or the paper page's."""
    card = re.search(rf'id="p-{re.escape(arxiv_id)}".*?</article>', html, re.S)
    part = card.group(0) if card else html
    found = re.search(r'<span class="count">(\d+)</span>', part)
    assert found, f"no vote count for {arxiv_id}"
    return int(found.group(1))
