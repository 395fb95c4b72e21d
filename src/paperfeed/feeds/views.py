"""/feeds/...{.atom|.rss}: the same papers as the pages, for feed readers."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, time
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response
from feedgen.feed import FeedGenerator
from sqlalchemy import Connection

from paperfeed.community.trending import trending
from paperfeed.papers import queries
from paperfeed.papers.ids import CATEGORY_PATTERN
from paperfeed.personal.library import collection_info, collection_papers_of
from paperfeed.search.query import parse_query
from paperfeed.search.service import search_papers, spell
from paperfeed.web.deps import read_conn

router = APIRouter(prefix="/feeds", tags=["Feeds"])
Conn = Annotated[Connection, Depends(read_conn)]
FORMATS = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
Kind = Annotated[Literal["atom", "rss"], Path(description="atom or rss")]
CategoryName = Annotated[str, Path(pattern=rf"^{CATEGORY_PATTERN}$")]
SIZE = 50


# What XML 1.0 forbids (C0 controls but tab and line breaks, surrogates, U+FFFE/U+FFFF):
# one stored paper with such a character must not break every feed that lists it.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML cannot carry."""
    return _NOT_XML.sub("", text)


def _fmt(kind: str) -> str:
    if kind not in FORMATS:
        raise HTTPException(404, "feeds end in .atom or .rss")
    return kind


def _feed(
    request: Request,
    title: str,
    page_url: str,
    self_path: str,
    papers: list[dict[str, Any]],
    kind: Kind,
) -> Response:
    """The feed of `papers`. `page_url`: the HTML page it follows (the RSS channel link);
    `self_path`: the feed's own address with its query (its id and self link, so each
    distinct feed has its own). RSS readers take an item's title and description as HTML:
    text is escaped for HTML, then for XML; Atom says type="text" and needs no more.
    Validator: the ETag of the body (a Last-Modified from paper dates stayed put when a
    list gained an older paper, so a client checking dates missed new content)."""
    base = str(request.app.state.settings.base_url).rstrip("/")
    as_html = kind == "rss"
    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.id(f"{base}{self_path}")
    title = xml_text(title)
    fg.title(f"{title} · {request.app.state.settings.site_name}")
    fg.link(href=f"{base}{self_path}", rel="self")
    fg.link(href=f"{base}{page_url}", rel="alternate")  # RSS's channel link: the page
    fg.description(title)
    fg.language("en")
    fg.updated(_updated(papers))
    for paper in reversed(papers):  # feedgen prepends: keep the page's order
        _entry(fg, paper, base, as_html)
    body = fg.atom_str(pretty=False) if kind == "atom" else fg.rss_str(pretty=False)
    return Response(body, media_type=f"{FORMATS[kind]}; charset=utf-8")


def _entry(fg: FeedGenerator, paper: dict[str, Any], base: str, as_html: bool) -> None:
    def text(value: str) -> str:
        value = xml_text(value)
        return html.escape(value, quote=False) if as_html else value

    entry = fg.add_entry()
    link = f"{base}/papers/{paper['arxiv_id']}"
    entry.id(link)
    entry.guid(link, permalink=True)
    entry.title(text(paper["title"]))
    entry.link(href=link)
    entry.summary(text(paper["abstract"] or paper["title"]))
    for author in paper["authors"]:  # every author, in order
        name = xml_text(author["name"])
        if as_html:
            entry.dc.dc_creator(name)
        else:
            entry.author(name=name)
    when = paper.get("published_at") or _day_start(paper)
    entry.published(when)
    entry.updated(paper.get("updated_at") or when)
    for cat in paper["categories"].split():
        entry.category(term=cat)


def _self(path: str, **query: str | None) -> str:
    """A feed's own address: its path percent-encoded, its query in a fixed order."""
    kept = {k: v for k, v in query.items() if v}
    return quote(path) + (f"?{urlencode(kept)}" if kept else "")


def _day_start(paper: dict[str, Any]) -> datetime:
    return datetime.combine(paper["feed_date"], time(0, 0), tzinfo=UTC)


def _updated(papers: list[dict[str, Any]]) -> datetime:
    stamps = [p.get("updated_at") or _day_start(p) for p in papers]
    return max(stamps) if stamps else datetime(2005, 9, 16, tzinfo=UTC)


@router.get("/daily.{kind}", summary="Today's papers")
def daily(
    request: Request,
    kind: Kind,
    conn: Conn,
    cat: Annotated[str | None, Query(max_length=40, pattern=rf"^{CATEGORY_PATTERN}$")] = None,
) -> Response:
    day = queries.latest_day(conn, datetime.now(UTC).date()) or datetime.now(UTC).date()
    result = queries.list_papers(conn, day, day, category=cat, page=1, page_size=200)
    return _feed(
        request,
        f"Papers of {day.isoformat()}" + (f" in {cat}" if cat else ""),
        "/papers" + (f"?{urlencode({'cat': cat})}" if cat else ""),
        _self(f"/feeds/daily.{_fmt(kind)}", cat=cat),
        result.papers,
        kind,
    )


@router.get("/trending.{kind}", summary="Trending papers this week")
def trending_feed(request: Request, kind: Kind, conn: Conn) -> Response:
    ranked = trending(conn, "week", datetime.now(UTC))
    return _feed(
        request,
        "Trending papers",
        "/papers/trending",
        _self(f"/feeds/trending.{_fmt(kind)}"),
        [s.paper for s in ranked],
        kind,
    )


@router.get("/search.{kind}", summary="Papers matching a search")
def search_feed(
    request: Request, kind: Kind, conn: Conn, q: Annotated[str, Query(min_length=1, max_length=250)]
) -> Response:
    query = spell(request.app.state.search, parse_query(q))
    result = search_papers(
        conn, query, indexes=request.app.state.search, sort="date", page=1, page_size=SIZE
    )
    return _feed(
        request,
        f"Search: {q}",
        f"/search?{urlencode({'q': q})}",
        _self(f"/feeds/search.{_fmt(kind)}", q=q),
        result.papers,
        kind,
    )


@router.get("/category/{category}.{kind}", summary="Latest papers of a category")
def category_feed(request: Request, category: CategoryName, kind: Kind, conn: Conn) -> Response:
    end = datetime.now(UTC).date()
    start = end.replace(year=end.year - 1)
    result = queries.list_papers(conn, start, end, category=category, page=1, page_size=SIZE)
    return _feed(
        request,
        f"Latest in {category}",
        f"/papers?{urlencode({'cat': category})}",
        _self(f"/feeds/category/{category}.{_fmt(kind)}"),
        result.papers,
        kind,
    )


@router.get("/author/{name}.{kind}", summary="Latest papers of an author")
def author_feed(request: Request, name: str, kind: Kind, conn: Conn) -> Response:
    result = queries.papers_by_author(conn, name[:300], page=1, page_size=SIZE)
    return _feed(
        request,
        f"Papers by {name}",
        f"/authors/{quote(name)}",
        _self(f"/feeds/author/{name}.{_fmt(kind)}"),
        result.papers,
        kind,
    )


@router.get("/collections/{collection_id}.{kind}", summary="A public collection")
def collection_feed(request: Request, collection_id: int, kind: Kind, conn: Conn) -> Response:
    info = collection_info(conn, collection_id)
    if info is None or not info.public:
        raise HTTPException(404, f"no public collection {collection_id}")
    return _feed(
        request,
        f"{info.name} (a collection by {info.owner})",
        f"/collections/{collection_id}",
        _self(f"/feeds/collections/{collection_id}.{_fmt(kind)}"),
        collection_papers_of(conn, collection_id)[:SIZE],
        kind,
    )
