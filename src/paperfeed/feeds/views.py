"""/feeds/...{.atom|.rss}: the same papers as the pages, for feed readers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from feedgen.feed import FeedGenerator
from sqlalchemy import Connection

from paperfeed.community.trending import trending
from paperfeed.papers import queries
from paperfeed.search.query import parse_query
from paperfeed.search.service import search_papers
from paperfeed.web.deps import read_conn

router = APIRouter(prefix="/feeds", tags=["Feeds"])
Conn = Annotated[Connection, Depends(read_conn)]
FORMATS = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
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
    kind: str,
) -> Response:
    base = str(request.app.state.settings.base_url).rstrip("/")
    fg = FeedGenerator()
    fg.id(f"{base}{self_path}")
    title = xml_text(title)
    fg.title(f"{title} · {request.app.state.settings.site_name}")
    fg.link(href=f"{base}{page_url}", rel="alternate")
    fg.link(href=f"{base}{self_path}", rel="self")
    fg.description(title)
    fg.language("en")
    fg.updated(_updated(papers))
    for paper in reversed(papers):  # feedgen prepends: keep the page's order
        entry = fg.add_entry()
        link = f"{base}/papers/{paper['arxiv_id']}"
        entry.id(link)
        entry.guid(link, permalink=True)
        entry.title(xml_text(paper["title"]))
        entry.link(href=link)
        entry.summary(xml_text(paper["abstract"] or paper["title"]))
        for author in paper["authors"][:20]:
            entry.author(name=xml_text(author["name"]))
        when = paper.get("published_at") or _day_start(paper)
        entry.published(when)
        entry.updated(paper.get("updated_at") or when)
        for cat in paper["categories"].split():
            entry.category(term=cat)
    updated = _updated(papers)
    last_modified = format_datetime(updated.astimezone(UTC), usegmt=True)
    since = request.headers.get("if-modified-since")
    if since and not request.headers.get("if-none-match") and _not_after(updated, since):
        return Response(status_code=304, headers={"Last-Modified": last_modified})
    body = fg.atom_str(pretty=False) if kind == "atom" else fg.rss_str(pretty=False)
    return Response(
        body, media_type=f"{FORMATS[kind]}; charset=utf-8", headers={"Last-Modified": last_modified}
    )


def _not_after(updated: datetime, header: str) -> bool:
    """True when nothing changed since the If-Modified-Since date (HTTP dates are in seconds)."""
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return updated.replace(microsecond=0) <= since


def _day_start(paper: dict[str, Any]) -> datetime:
    return datetime.combine(paper["feed_date"], time(0, 0), tzinfo=UTC)


def _updated(papers: list[dict[str, Any]]) -> datetime:
    stamps = [p.get("updated_at") or _day_start(p) for p in papers]
    return max(stamps) if stamps else datetime(2005, 9, 16, tzinfo=UTC)


@router.get("/daily.{kind}", summary="Today's papers")
def daily(
    request: Request,
    kind: str,
    conn: Conn,
    cat: Annotated[
        str | None, Query(max_length=40, pattern=r"^[a-z][a-z-]*(\.[A-Za-z-]+)?$")
    ] = None,
) -> Response:
    day = queries.latest_day(conn, datetime.now(UTC).date()) or datetime.now(UTC).date()
    result = queries.list_papers(conn, day, day, category=cat, page=1, page_size=200)
    return _feed(
        request,
        f"Papers of {day.isoformat()}" + (f" in {cat}" if cat else ""),
        "/papers",
        f"/feeds/daily.{_fmt(kind)}",
        result.papers,
        kind,
    )


@router.get("/trending.{kind}", summary="Trending papers this week")
def trending_feed(request: Request, kind: str, conn: Conn) -> Response:
    ranked = trending(conn, "week", datetime.now(UTC))
    return _feed(
        request,
        "Trending papers",
        "/papers/trending",
        f"/feeds/trending.{_fmt(kind)}",
        [s.paper for s in ranked],
        kind,
    )


@router.get("/search.{kind}", summary="Papers matching a search")
def search_feed(
    request: Request, kind: str, conn: Conn, q: Annotated[str, Query(min_length=1, max_length=250)]
) -> Response:
    query = parse_query(q)
    result = search_papers(
        conn, query, indexes=request.app.state.search, sort="date", page=1, page_size=SIZE
    )
    return _feed(
        request,
        f"Search: {q}",
        f"/search?q={q}",
        f"/feeds/search.{_fmt(kind)}",
        result.papers,
        kind,
    )


@router.get("/category/{category}.{kind}", summary="Latest papers of a category")
def category_feed(request: Request, category: str, kind: str, conn: Conn) -> Response:
    import re

    if not re.fullmatch(r"[a-z][a-z-]*(\.[A-Za-z-]+)?", category):
        raise HTTPException(400, f"'{category[:40]}' is not an arXiv category such as cs.LG")
    end = datetime.now(UTC).date()
    start = end.replace(year=end.year - 1)
    result = queries.list_papers(conn, start, end, category=category, page=1, page_size=SIZE)
    return _feed(
        request,
        f"Latest in {category}",
        f"/papers?cat={category}",
        f"/feeds/category/{category}.{_fmt(kind)}",
        result.papers,
        kind,
    )


@router.get("/author/{name}.{kind}", summary="Latest papers of an author")
def author_feed(request: Request, name: str, kind: str, conn: Conn) -> Response:
    result = queries.papers_by_author(conn, name[:300], page=1, page_size=SIZE)
    return _feed(
        request,
        f"Papers by {name}",
        f"/authors/{name}",
        f"/feeds/author/{name}.{_fmt(kind)}",
        result.papers,
        kind,
    )
