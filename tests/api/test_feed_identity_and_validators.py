"""Each distinct feed has its own id and self link (its query included), ids are valid URIs,
the RSS channel links to the HTML page; a feed's validator changes with its content."""

from datetime import UTC, datetime

import feedparser
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests import records as R
from tests.web.conftest import store


def _atom(client: TestClient, url: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(client.get(url).content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return parsed


def test_every_feed_has_its_own_identity(client: TestClient) -> None:
    urls = [
        "/feeds/daily.atom",
        "/feeds/daily.atom?cat=cs.LG",
        "/feeds/search.atom?q=bridges",
        "/feeds/search.atom?q=graphs",
        "/feeds/author/Jane Doe.atom",
        "/feeds/category/cs.LG.atom",
        "/feeds/trending.atom",
    ]
    ids = [_atom(client, url).feed.id for url in urls]
    assert len(set(ids)) == len(urls), ids
    assert all(" " not in i for i in ids) and ids[4].endswith("/feeds/author/Jane%20Doe.atom")
    parsed = _atom(client, "/feeds/search.atom?q=bridges")
    selfs = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert selfs == [parsed.feed.id] and selfs[0].endswith("/feeds/search.atom?q=bridges")
    rss = feedparser.parse(client.get("/feeds/search.rss?q=bridges").content)
    assert rss.feed.link.endswith("/search?q=bridges")  # the page, not the feed


def test_a_feed_that_gains_an_older_paper_gets_a_new_validator(
    client: TestClient, filled: Engine
) -> None:
    url = "/feeds/category/cs.LG.atom"
    before = client.get(url).headers["etag"]
    older = datetime(2026, 8, 1, 12, tzinfo=UTC)  # older than every paper listed
    store(filled, [R.Rec(id="2608.00077", title="Late arrival", versions=[older])])
    after = client.get(url, headers={"If-None-Match": before})
    assert after.status_code == 200 and "Late arrival" in after.text


def test_atom_and_rss_entries_name_every_author(client: TestClient, filled: Engine) -> None:
    many = [(f"Author{i:02d}", "Ann", []) for i in range(25)]
    store(filled, [R.Rec(id="2608.00078", title="Large collaboration", authors=many)])
    atom = feedparser.parse(client.get("/feeds/search.atom?q=collaboration").content)
    (entry,) = atom.entries
    assert [a.name for a in entry.authors] == [f"Ann Author{i:02d}" for i in range(25)]
    rss = client.get("/feeds/search.rss?q=collaboration").text
    assert rss.count("<dc:creator>") == 25
