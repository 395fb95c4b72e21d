"""Paper pages: daily/weekly/monthly lists and paper pages, each with a .json twin."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from sqlalchemy import Connection

from paperfeed.community.comments import thread
from paperfeed.community.submissions import submission_of
from paperfeed.community.votes import vote_count, voted_papers
from paperfeed.papers import periods, queries, thumbnails
from paperfeed.papers.bibtex import MEDIA_TYPE as BIBTEX
from paperfeed.papers.bibtex import bibtex_entry, bibtex_file
from paperfeed.papers.ids import CATEGORY, CATEGORY_PATTERN, parse_arxiv_id
from paperfeed.papers.markdown import paper_markdown
from paperfeed.papers.render import code_links, tex_as_text
from paperfeed.papers.schemas import PaperListOut, paper_out
from paperfeed.papers.similar import similar_papers
from paperfeed.personal.follows import has_taste
from paperfeed.personal.library import saved_ids
from paperfeed.web.cards import card_context
from paperfeed.web.deps import read_conn

router = APIRouter()
STATIC = FilePath(__file__).resolve().parents[1] / "static"
Conn = Annotated[Connection, Depends(read_conn)]
Page = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1")]
Category = Annotated[
    str | None,
    Query(
        max_length=40, pattern=rf"^{CATEGORY_PATTERN}$", description="arXiv category, e.g. cs.LG"
    ),
]
_TWIN = r"(\.json|\.bib)?$"
DayKey = Annotated[str, Path(pattern=rf"^{periods.DAY_KEY}{_TWIN}")]
WeekKey = Annotated[str, Path(pattern=rf"^{periods.WEEK_KEY}{_TWIN}")]
MonthKey = Annotated[str, Path(pattern=rf"^{periods.MONTH_KEY}{_TWIN}")]


def _split_suffix(text: str) -> tuple[str, str]:
    for suffix in (".json", ".bib", ".md"):
        if text.endswith(suffix):
            return text[: -len(suffix)], suffix[1:]
    return text, "html"


def _category(cat: str | None) -> str | None:
    if not cat:
        return None
    if not CATEGORY.match(cat):
        raise HTTPException(400, f"'{cat}' is not an arXiv category such as cs.LG")
    return cat


@router.get("/", include_in_schema=False)
def home(request: Request, conn: Conn) -> RedirectResponse:
    """Today's papers; a member who has saved, upvoted or followed anything: their feed."""
    account = request.state.account
    personal = account is not None and has_taste(conn, account.id)
    return RedirectResponse("/for-you" if personal else "/papers", status_code=302)


@router.get("/papers", summary="Today's papers (the latest day with papers)")
def latest(request: Request, conn: Conn, cat: Category = None, page: Page = 1) -> Response:
    today = datetime.now(UTC).date()
    newest = queries.latest_day(conn, today)
    if newest is None:
        return _render_empty(request, conn)
    return _list(request, conn, periods.day(newest), _category(cat), page, "html")


@router.get("/papers.json", include_in_schema=False)
def latest_json(request: Request, conn: Conn, cat: Category = None, page: Page = 1) -> Response:
    newest = queries.latest_day(conn, datetime.now(UTC).date())
    period = periods.day(newest or datetime.now(UTC).date())
    return _list(request, conn, period, _category(cat), page, "json")


@router.get("/papers/week", include_in_schema=False)
def this_week(conn: Conn) -> RedirectResponse:
    return RedirectResponse(periods.week_of(_newest_day(conn)).url, status_code=302)


@router.get("/papers/month", include_in_schema=False)
def this_month(conn: Conn) -> RedirectResponse:
    newest = _newest_day(conn)
    return RedirectResponse(periods.month(newest.year, newest.month).url, status_code=302)


def _newest_day(conn: Conn) -> date:
    today = datetime.now(UTC).date()
    return queries.latest_day(conn, today) or today


@router.get("/papers/date/{day}", summary="Papers of one feed day (YYYY-MM-DD[.json])")
def by_day(
    request: Request, day: DayKey, conn: Conn, cat: Category = None, page: Page = 1
) -> Response:
    return _period_page(request, conn, "day", day, cat, page)


@router.get("/papers/week/{week}", summary="Papers of an ISO week (YYYY-Www[.json])")
def by_week(
    request: Request, week: WeekKey, conn: Conn, cat: Category = None, page: Page = 1
) -> Response:
    return _period_page(request, conn, "week", week, cat, page)


@router.get("/papers/month/{month}", summary="Papers of a month (YYYY-MM[.json])")
def by_month(
    request: Request, month: MonthKey, conn: Conn, cat: Category = None, page: Page = 1
) -> Response:
    return _period_page(request, conn, "month", month, cat, page)


@router.get("/papers/{arxiv_id:path}", summary="One paper (id[vN][.json|.bib])")
def paper_page(request: Request, arxiv_id: str, conn: Conn) -> Response:
    raw, fmt = _split_suffix(arxiv_id)
    parsed = parse_arxiv_id(raw)
    if parsed is None:
        raise HTTPException(404, f"'{raw}' is not an arXiv identifier")
    row = queries.get_paper(conn, parsed.base)
    if row is None:
        raise HTTPException(
            404,
            f"arXiv:{parsed.base} is not in this instance yet "
            f"(an operator can add it with: paperfeed fetch {parsed.base})",
        )
    if fmt == "bib":
        return PlainTextResponse(bibtex_entry(row), media_type=BIBTEX)
    if fmt == "html" and _wants_markdown(request):
        fmt = "md"  # Accept: text/markdown, as Hugging Face answers it
    if fmt == "md":
        base = str(request.app.state.settings.base_url).rstrip("/")
        return PlainTextResponse(
            paper_markdown(row, base), media_type="text/markdown; charset=utf-8"
        )
    account = request.state.account
    submission = submission_of(conn, row["id"])
    row["upvotes"] = vote_count(conn, row["id"])
    row["submitted_by"] = (submission or {}).get("display_name")
    if fmt == "json":
        return JSONResponse(paper_out(row, full=True).model_dump(mode="json"))
    return request.app.state.templates.TemplateResponse(
        request,
        "papers/paper.html",
        {
            "upvotes": row["upvotes"],
            "voted": bool(voted_papers(conn, account.id if account else None, [row["id"]])),
            "saved": saved_ids(conn, account.id if account else None, [row["id"]]),
            "submission": submission,
            "comments": thread(conn, row["id"]),
            "similar": similar_papers(conn, row, 5, request.app.state.search),
            "flash": _flash(request),
            "paper": row,
            "asked_version": parsed.version,
            "links": code_links(row["abstract"], row.get("comments")),
            "bibtex": bibtex_entry(row),
            "page_title": tex_as_text(row["title"]),
        },
    )


WHOLE_LIST = 100_000  # a month of every arXiv category is about 25,000 papers


def _wants_markdown(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/markdown" in accept and "text/html" not in accept


def _period_page(
    request: Request, conn: Conn, kind: str, text: str, cat: str | None, page: int
) -> Response:
    key, fmt = _split_suffix(text)
    try:
        period = periods.parse(kind, key)
    except periods.BadPeriod as exc:  # well-formed (the route's pattern) but no such day
        raise HTTPException(404, str(exc)) from exc
    return _list(request, conn, period, _category(cat), page, fmt)


def _list(
    request: Request, conn: Conn, period: periods.Period, cat: str | None, page: int, fmt: str
) -> Response:
    size = request.app.state.settings.page_size
    if fmt == "bib":  # the whole list, not one page of it
        whole = queries.list_papers(
            conn, period.start, period.end, category=cat, page=1, page_size=WHOLE_LIST
        )
        return bibtex_list(whole.papers)
    result = queries.list_papers(
        conn, period.start, period.end, category=cat, page=page, page_size=size
    )
    prev_url, next_url = _neighbours(conn, period)
    if fmt == "json":
        out = PaperListOut(
            kind=period.kind,
            start=period.start,
            end=period.end,
            label=period.label,
            category=cat,
            total=result.total,
            page=page,
            pages=result.pages,
            prev_url=prev_url,
            next_url=next_url,
            papers=[paper_out(p) for p in result.papers],
        )
        return JSONResponse(out.model_dump(mode="json"))
    account = request.state.account
    return request.app.state.templates.TemplateResponse(
        request,
        "papers/list.html",
        {
            **card_context(conn, result.papers, account),
            "period": period,
            "result": result,
            "category": cat,
            "prev_url": prev_url,
            "next_url": next_url,
            "chips": queries.category_counts(conn, period.start, period.end),
            "page_title": period.label,
        },
    )


def _neighbours(conn: Conn, period: periods.Period) -> tuple[str | None, str | None]:
    if period.kind != "day":
        return period.shifted(-1).url, period.shifted(1).url
    before, after = queries.neighbour_days(conn, period.start, period.end)
    return (periods.day(before).url if before else None, periods.day(after).url if after else None)


def bibtex_list(rows: list[dict[str, Any]]) -> Response:
    return PlainTextResponse(bibtex_file(rows), media_type=BIBTEX)


def _flash(request: Request) -> str | None:
    if request.query_params.get("submitted"):
        return "Submitted: the paper is on today's list."
    if request.query_params.get("already"):
        return "This paper was already submitted: here it is."
    return None


def _render_empty(request: Request, conn: Conn) -> Response:
    context: dict[str, Any] = {
        "page_title": "No papers yet",
        "settings": request.app.state.settings,
    }
    return request.app.state.templates.TemplateResponse(request, "papers/empty.html", context)


YEAR = 365 * 24 * 3600


@router.get("/thumbnails/{name:path}", include_in_schema=False)
def thumbnail(request: Request, name: str) -> Response:
    """A paper's first-page thumbnail (cached a year: a paper's first page does not change
    under its id often enough to matter), or the neutral placeholder while there is none."""
    arxiv_id = name.removesuffix(".webp")
    parsed = parse_arxiv_id(arxiv_id)
    if parsed is None or not name.endswith(".webp"):
        raise HTTPException(404, "thumbnails are /thumbnails/{arXiv id}.webp")
    path = thumbnails.path_for(request.app.state.settings, parsed.base)
    if path.exists():
        return FileResponse(
            path, media_type="image/webp", headers={"Cache-Control": f"public, max-age={YEAR}"}
        )
    return FileResponse(
        STATIC / "thumbnail.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=600"},
    )
