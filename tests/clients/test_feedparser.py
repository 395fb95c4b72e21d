"""feedparser on every feed kind, Atom and RSS: well-formed, every author, and an abstract
with math, `<`, `&` and `<b>` reaching the reader as the text it is."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import feedparser
import httpx
import pytest

from tests.clients.conftest import MATH_ABSTRACT, Site

FEEDS = [
    "/feeds/daily.{kind}",
    "/feeds/daily.{kind}?cat=cs.CL",  # today's list: the member's submission
    "/feeds/trending.{kind}",
    "/feeds/search.{kind}?q=markup",
    "/feeds/category/cs.LG.{kind}",
    "/feeds/author/" + quote("John Roe") + ".{kind}",
]


def _as_reader_shows(value: str, kind: str) -> str:
    """The text a reader shows: RSS fields are HTML (tags stripped, entities decoded)."""
    if kind == "atom":
        return value
    return html.unescape(re.sub(r"<[^>]+>", "", value))


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_every_feed_kind_parses_and_keeps_text(site: Site, kind: str) -> None:
    for template in FEEDS:
        url = site.url + template.format(kind=kind)
        parsed = feedparser.parse(httpx.get(url).content)
        assert not parsed.bozo, (url, parsed.get("bozo_exception"))
        assert parsed.entries, url
    parsed = feedparser.parse(httpx.get(f"{site.url}/feeds/search.{kind}?q=markup").content)
    (entry,) = [e for e in parsed.entries if e.link.endswith("/papers/2608.00033")]
    assert _as_reader_shows(entry.summary, kind) == MATH_ABSTRACT
    assert _as_reader_shows(entry.title, kind) == "Inequalities with markup"
    names = [a.name for a in entry.get("authors", [])] or [entry.get("author")]
    assert names == ["Jane Doe", "John Roe"] or (kind == "rss" and "Jane Doe" in str(names))
