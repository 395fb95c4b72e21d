"""/api: Hugging Face Papers-compatible read endpoints (daily_papers, papers, search)."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from typing import Annotated, Any

import orjson
from anyio import to_thread
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import Connection, and_, or_, select

from paperfeed.api.schemas import (
    HfComment,
    HfDailyPaper,
    HfListedPaper,
    HfPaper,
    HfPaperDetail,
    hf_comment,
    hf_daily,
    hf_listed,
)
from paperfeed.api.schemas import hf_paper as to_hf_paper
from paperfeed.community.comments import comment_counts, thread
from paperfeed.community.submissions import submission_of
from paperfeed.community.trending import score_papers, trending
from paperfeed.community.votes import vote_count
from paperfeed.papers import periods, queries
from paperfeed.papers.ids import CATEGORY, CATEGORY_PATTERN, parse_arxiv_id
from paperfeed.papers.similar import similar_papers
from paperfeed.search.query import Query as SearchQuery
from paperfeed.search.service import rows_by_id, search_ids, spell
from paperfeed.search.views import SearchForm, build_query, searches
from paperfeed.web.cards import with_community
from paperfeed.web.deps import on_replica, read_conn, read_transaction


class ErrorOut(BaseModel):
    error: str
    status: int


router = APIRouter(
    prefix="/api",
    tags=["Hugging Face-compatible"],
    responses={400: {"model": ErrorOut}, 404: {"model": ErrorOut}},
)
Conn = Annotated[Connection, Depends(read_conn)]
PaperId = Annotated[str, Path(description="arXiv id, e.g. 2401.01234", examples=["2401.01234"])]
# Years a list can show (papers/periods.py); a well-formed period that does not exist
# (2026-02-30, week 53 of a 52-week year) is answered 404, as a day without papers would be.
_WEEK = rf"^{periods.WEEK_KEY}$"
_MONTH = rf"^{periods.MONTH_KEY}$"
_DATE = rf"^{periods.DAY_KEY}$"
DAY = {"format": "date"}


def _base(request: Request) -> str:
    return str(request.app.state.settings.base_url).rstrip("/")


def _period(
    date: str | None, week: str | None, month: str | None, conn: Connection
) -> periods.Period:
    try:
        if week:
            return periods.parse("week", week)
        if month:
            return periods.parse("month", month)
        if date:
            return periods.parse("day", date)
    except periods.BadPeriod as exc:
        raise HTTPException(404, str(exc)) from exc
    today = datetime.now(UTC).date()
    return periods.day(queries.latest_day(conn, today) or today)


@router.get(
    "/daily_papers",
    response_model=list[HfDailyPaper],
    summary="Get Daily Papers (Hugging Face-compatible)",
)
def daily_papers(
    request: Request,
    conn: Conn,
    p: Annotated[int, Query(ge=0, le=10_000, description="Page, from 0")] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    date: Annotated[
        str | None, Query(pattern=_DATE, description="YYYY-MM-DD", json_schema_extra=DAY)
    ] = None,
    week: Annotated[str | None, Query(pattern=_WEEK, description="YYYY-Www")] = None,
    month: Annotated[str | None, Query(pattern=_MONTH, description="YYYY-MM")] = None,
    submitter: Annotated[str | None, Query(max_length=80)] = None,
    sort: Annotated[str, Query(pattern="^(publishedAt|trending)$")] = "publishedAt",
) -> Response:
    period = _period(date, week, month, conn)
    if sort == "trending":
        rows = _trending_rows(conn, period, submitter, p, limit)
    else:  # publishedAt: newest on the list first, as Hugging Face sorts it
        rows = queries.list_papers(
            conn,
            period.start,
            period.end,
            category=None,
            page=p + 1,
            page_size=limit,
            submitter=submitter,
            order="published",
        ).papers
    counts = comment_counts(conn, [r["id"] for r in rows])
    base = _base(request)
    return _json(
        [
            hf_daily(r, base, counts.get(r["id"], 0)).model_dump(mode="json", exclude_none=True)
            for r in rows
        ]
    )


def _trending_rows(
    conn: Connection, period: periods.Period, submitter: str | None, p: int, limit: int
) -> list[dict[str, Any]]:
    """The period's papers ordered by the published trending score."""
    rows = queries.list_papers(
        conn, period.start, period.end, category=None, page=1, page_size=2000, submitter=submitter
    ).papers
    ranked = score_papers(conn, rows, datetime.now(UTC))
    return [s.paper for s in ranked[p * limit : (p + 1) * limit]]


@router.get(
    "/papers/search",
    response_model=list[HfDailyPaper],
    summary="Search papers (Hugging Face-compatible)",
)
async def search(
    request: Request,
    q: Annotated[str, Query(max_length=250)] = "",
    limit: Annotated[int, Query(ge=1, le=120)] = 20,
    cat: Annotated[
        str,
        Query(
            max_length=100,
            pattern=rf"^$|^{CATEGORY_PATTERN}$",
            description="arXiv category, e.g. cs.LG",
        ),
    ] = "",
    author: Annotated[str, Query(max_length=200, description="Author name (part)")] = "",
    since: Annotated[
        str | None,
        Query(pattern=_DATE, description="First day, YYYY-MM-DD", json_schema_extra=DAY),
    ] = None,
    until: Annotated[
        str | None,
        Query(pattern=_DATE, description="Last day, YYYY-MM-DD", json_schema_extra=DAY),
    ] = None,
    sort: Annotated[str, Query(pattern="^(relevance|date)$")] = "relevance",
) -> Response:
    since, until = since or "", until or ""
    for name, value in (("since", since), ("until", until)):
        if value.strip() and not _is_date(value.strip()):
            raise HTTPException(400, f"{name}: '{value[:20]}' is not a date like 2024-01-31")
    if cat.strip() and not CATEGORY.match(cat.strip()):
        raise HTTPException(400, f"cat: '{cat[:20]}' is not an arXiv category such as cs.LG")
    form = SearchForm(q=q, cat=cat, author=author, since=since, until=until, sort=sort)
    # one hop to a worker thread for the whole search (its transaction included), not one
    # per dependency step: each hop waits for the event loop
    body = await to_thread.run_sync(
        _search_body, request, build_query(form), sort, limit, limiter=searches(request)
    )
    return Response(body, media_type="application/json")


def _search_body(request: Request, query: SearchQuery, sort: str, limit: int) -> bytes:
    """The answer's papers, each serialized once per generation (kept in
    app.state.fragments): a search builds only the papers no earlier answer had."""
    fragments = request.app.state.fragments
    generation = request.app.state.generation.read(on_replica(request))  # before the rows
    base = _base(request)
    with read_transaction(request) as conn:
        if query.arxiv_id:  # a pasted identifier or URL: that paper
            found = queries.get_paper(conn, query.arxiv_id)
            ids = [found["id"]] if found else []
        elif query.empty:
            ids = []
        else:
            indexes = request.app.state.search
            query = spell(indexes, query)
            ids = search_ids(conn, query, indexes=indexes, sort=sort, limit=limit)
        kept = fragments.get_many([(i, base) for i in ids], generation)
        missing = [i for i in ids if (i, base) not in kept]
        if missing:
            rows, counts = with_community(conn, rows_by_id(conn, missing))
            built = {
                (r["id"], base): orjson.dumps(
                    hf_daily(r, base, counts.get(r["id"], 0)).model_dump(
                        mode="json", exclude_none=True
                    )
                )
                for r in rows
            }
            fragments.put_many(built, generation)
            kept.update(built)
    return b"[" + b",".join(kept[(i, base)] for i in ids if (i, base) in kept) + b"]"


@router.get(
    "/papers",
    response_model=list[HfListedPaper],
    summary="List papers by publication date, newest first (cursor pagination)",
)
def list_papers(
    request: Request,
    conn: Conn,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Response:
    papers = queries.papers
    stmt = select(*queries.LIST_COLUMNS).order_by(papers.c.feed_date.desc(), papers.c.id.desc())
    if cursor:
        day, last_id = _decode_cursor(cursor)
        stmt = stmt.where(
            or_(papers.c.feed_date < day, and_(papers.c.feed_date == day, papers.c.id < last_id))
        )
    rows = [dict(r) for r in conn.execute(stmt.limit(limit + 1)).mappings()]
    more, rows = len(rows) > limit, rows[:limit]
    rows, _counts = with_community(conn, rows)
    response = _json(
        [hf_listed(r, _base(request)).model_dump(mode="json", exclude_none=True) for r in rows]
    )
    if more:
        nxt = _encode_cursor(rows[-1]["feed_date"].isoformat(), rows[-1]["id"])
        response.headers["Link"] = (
            f'<{_base(request)}/api/papers?cursor={nxt}&limit={limit}>; rel="next"'
        )
    return response


def _encode_cursor(day: str, last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{day}|{last_id}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        day, last_id = raw.split("|")
        return periods.parse("day", day).start, int(last_id)
    except (ValueError, UnicodeDecodeError, periods.BadPeriod) as exc:
        raise HTTPException(400, "cursor is not one this API gave out") from exc


class TrendingOut(BaseModel):
    paper: HfPaper
    score: float
    upvotes: int
    githubStars: int | None
    starVelocity: float
    starPart: float
    hours: float


@router.get(
    "/trending",
    response_model=list[TrendingOut],
    tags=["paperfeed"],
    summary="Trending papers with each score's parts (see /about/trending)",
)
def trending_api(
    request: Request,
    conn: Conn,
    window: Annotated[str, Query(pattern="^(day|week|month)$")] = "week",
) -> Response:
    base = _base(request)
    ranked = trending(conn, window, datetime.now(UTC))
    return _json(
        [
            TrendingOut(
                paper=to_hf_paper({**s.paper, "upvotes": s.upvotes}, base, stars=s.stars),
                score=s.score,
                upvotes=s.upvotes,
                githubStars=s.stars,
                starVelocity=s.star_velocity,
                starPart=s.star_part,
                hours=s.hours,
            ).model_dump(mode="json")
            for s in ranked
        ]
    )


@router.get(
    "/authors/{name}",
    response_model=list[HfListedPaper],
    tags=["paperfeed"],
    summary="Papers by an author (exact name), newest first",
)
def author_api(
    request: Request,
    name: Annotated[str, Path(description="Author name, exactly", examples=["Jane Doe"])],
    conn: Conn,
    p: Annotated[int, Query(ge=0, le=10_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Response:
    result = queries.papers_by_author(conn, name[:300], page=p + 1, page_size=limit)
    rows, _counts = with_community(conn, result.papers)
    return _json(
        [hf_listed(r, _base(request)).model_dump(mode="json", exclude_none=True) for r in rows]
    )


@router.get(
    "/papers/{paper_id:path}/comments",
    response_model=list[HfComment],
    tags=["paperfeed"],
    summary="A paper's visible comments, oldest first",
)
def comments_api(request: Request, paper_id: PaperId, conn: Conn) -> Response:
    row = paper_row(conn, paper_id)
    out = []
    for top in thread(conn, row["id"]):
        for c, parent in [(top, None), *[(r, top.id) for r in top.replies]]:
            if c.hidden or c.deleted:
                continue
            item = hf_comment(
                comment_id=c.id,
                created_at=c.created_at,
                author=c.author,
                raw=c.body,
                html=str(c.html),
                edited=c.edited,
                parent=parent,
                base_url=_base(request),
            )
            out.append(item.model_dump(mode="json", exclude_none=True))
    return _json(out)


@router.get(
    "/papers/{paper_id:path}/similar",
    response_model=list[HfListedPaper],
    tags=["paperfeed"],
    summary="Papers similar to this one",
)
def similar_api(
    request: Request, paper_id: PaperId, conn: Conn, limit: Annotated[int, Query(ge=1, le=50)] = 10
) -> Response:
    row = paper_row(conn, paper_id)
    rows, _counts = with_community(conn, similar_papers(conn, row, limit, request.app.state.search))
    return _json(
        [hf_listed(r, _base(request)).model_dump(mode="json", exclude_none=True) for r in rows]
    )


@router.get(
    "/papers/{paper_id:path}",
    response_model=HfPaperDetail,
    summary="Get a paper (Hugging Face-compatible)",
)
def get_paper(request: Request, paper_id: PaperId, conn: Conn) -> Response:
    row = paper_row(conn, paper_id)
    return _json(
        to_hf_paper(row, _base(request), detail=True).model_dump(mode="json", exclude_none=True)
    )


def paper_row(conn: Connection, paper_id: str) -> dict[str, Any]:
    parsed = parse_arxiv_id(paper_id)
    if parsed is None:
        raise HTTPException(404, f"'{paper_id[:60]}' is not an arXiv identifier")
    row = queries.get_paper(conn, parsed.base)
    if row is None:
        raise HTTPException(404, f"Paper {parsed.base} not found")
    row["upvotes"] = vote_count(conn, row["id"])
    submission = submission_of(conn, row["id"]) or {}
    row["submitted_by"] = submission.get("display_name")
    row["submitted_at"] = submission.get("submitted_at")
    return row


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _json(data: Any) -> Response:
    return Response(orjson.dumps(data), media_type="application/json")


__all__ = ["ErrorOut", "paper_row", "router"]
