"""A vote, a comment, a submission and a harvest are on the very next request of every cached
page (day, week, month, trending, the paper page) — never a stale page after a write."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests import records as R
from tests.community.conftest import Inbox, csrf, sign_up
from tests.pagecache.conftest import PAGES, upvotes
from tests.standin import ArxivStandIn
from tests.web.conftest import THU, store


def _warm(reader: TestClient, paths: tuple[str, ...]) -> dict[str, str]:
    pages = {p: reader.get(p).text for p in paths}
    assert pages == {p: reader.get(p).text for p in paths}  # served again, unchanged
    return pages


def test_a_vote_shows_on_every_page(
    client: TestClient, reader: TestClient, inbox: Inbox, filled_papers: None
) -> None:
    before = _warm(reader, PAGES)
    assert all(upvotes(html, "2608.00004") == 0 for html in before.values())
    sign_up(client, inbox, "alice@example.org", "Alice")
    r = client.post("/papers/2608.00004/vote", data={"up": "true", "csrf_token": csrf(client)})
    assert r.status_code in (200, 303)
    for path in PAGES:
        assert upvotes(reader.get(path).text, "2608.00004") == 1, path


def test_a_comment_shows_on_lists_and_the_paper(
    client: TestClient, reader: TestClient, inbox: Inbox, filled_papers: None
) -> None:
    _warm(reader, PAGES)
    sign_up(client, inbox, "alice@example.org", "Alice")
    r = client.post(
        "/papers/2608.00004/comments",
        data={"body": "A cached page must show this", "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "A cached page must show this" in reader.get("/papers/2608.00004").text
    for path in PAGES[:3]:
        card = re.search(r'id="p-2608.00004".*?</article>', reader.get(path).text, re.S)
        assert card and 'aria-label="1 comment"' in card.group(0), path


def test_a_submission_and_its_votes_reach_today_and_trending(
    client: TestClient,
    reader: TestClient,
    inbox: Inbox,
    standin: ArxivStandIn,
    filled_papers: None,
) -> None:
    today = datetime.now(UTC).date().isoformat()
    paths = ("/papers", f"/papers/date/{today}", "/papers/trending")
    before = _warm(reader, paths)
    assert all("A freshly cached result" not in html for html in before.values())
    standin.records = [
        R.Rec(
            id="2611.05555",
            title="A freshly cached result",
            versions=[datetime.now(UTC) - timedelta(days=2)],
        )
    ]
    sign_up(client, inbox, "alice@example.org", "Alice")
    r = client.post(
        "/submit", data={"paper": "2611.05555", "csrf_token": csrf(client)}, follow_redirects=False
    )
    assert r.status_code == 303
    for path in paths[:2]:
        assert "A freshly cached result" in reader.get(path).text, path
    client.post("/papers/2611.05555/vote", data={"up": "true", "csrf_token": csrf(client)})
    trending = reader.get("/papers/trending").text
    assert "A freshly cached result" in trending and upvotes(trending, "2611.05555") == 1


def test_a_harvest_shows_new_papers_and_new_versions(
    reader: TestClient, engine: Engine, filled_papers: None
) -> None:
    before = _warm(reader, PAGES)
    assert "Harvested after the cache" not in before[PAGES[0]]
    store(
        engine,
        [
            R.Rec(id="2608.00077", title="Harvested after the cache", versions=[THU]),
            R.Rec(
                id="2608.00004",
                title="Friday paper, second version",
                versions=[THU, THU + timedelta(hours=30)],
                categories="cs.CV cs.LG",
            ),
        ],
    )
    for path in PAGES[:3]:
        assert "Harvested after the cache" in reader.get(path).text, path
    assert "Friday paper, second version" in reader.get("/papers/2608.00004").text
