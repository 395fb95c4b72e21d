"""Every feed kind parses with feedparser, without errors, with the same papers as the pages."""

import feedparser
import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("kind", ["atom", "rss"])
@pytest.mark.parametrize(
    "path",
    [
        "/feeds/daily",
        "/feeds/trending",
        "/feeds/category/cs.LG",
        "/feeds/author/Jane Doe",
        "/feeds/search",
    ],
)
def test_feed_is_valid(client: TestClient, path: str, kind: str) -> None:
    query = "?q=paper" if path == "/feeds/search" else ""
    r = client.get(f"{path}.{kind}{query}")
    assert r.status_code == 200
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == ("atom10" if kind == "atom" else "rss20")
    assert feed.feed.title


def test_feeds_carry_the_pages_papers(client: TestClient) -> None:
    daily = feedparser.parse(client.get("/feeds/daily.atom").content)
    assert [e.title for e in daily.entries] == ["Friday paper"]
    entry = daily.entries[0]
    assert entry.link.endswith("/papers/2608.00004")
    assert [t.term for t in entry.tags] == ["cs.CV", "cs.LG"]
    author = feedparser.parse(client.get("/feeds/author/Jane Doe.rss").content)
    assert len(author.entries) == 4
    wrong = client.get("/feeds/daily.json")
    assert wrong.status_code == 400 and "'atom' or 'rss'" in wrong.text


def test_pages_link_their_feeds(client: TestClient) -> None:
    html = client.get("/papers").text
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert 'href="/feeds/author/Jane%20Doe.atom"' in client.get("/authors/Jane Doe").text
