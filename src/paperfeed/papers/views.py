"""Paper pages: daily/weekly/monthly lists and paper pages, each with a .json twin."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path as FilePath
from types import SimpleNamespace
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from paperfeed.community.comments import CommentView, thread
from paperfeed.community.submissions import submission_of
from paperfeed.community.votes import vote_count
from paperfeed.pagecache.serve import Rendered, cached_page
from paperfeed.pagecache.store import CSRF
from paperfeed.papers import periods, queries, thumbnails
from paperfeed.papers.bibtex import MEDIA_TYPE as BIBTEX
from paperfeed.papers.bibtex import bibtex_entry, bibtex_file
from paperfeed.papers.ids import CATEGORY, CATEGORY_PATTERN, parse_arxiv_id
from paperfeed.papers.markdown import paper_markdown
from paperfeed.papers.render import code_links, tex_as_text
from paperfeed.papers.schemas import PaperListOut, paper_out
from paperfeed.papers.similar import similar_papers
from paperfeed.personal.follows import has_taste
from paperfeed.web.cards import card_context
from paperfeed.web.deps import on_replica, read_conn, read_transaction

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
async def latest(request: Request, cat: Category = None, page: Page = 1) -> Response:
    newest = await current_day(request)
    if newest is None:
        return await run_in_threadpool(_render_empty, request)
    return await _list_page(request, periods.day(newest), _category(cat), page)


@router.get("/papers.json", include_in_schema=False)
async def latest_json(request: Request, cat: Category = None, page: Page = 1) -> Response:
    period = periods.day(await current_day(request) or datetime.now(UTC).date())
    return await run_in_threadpool(_list_twin, request, period, _category(cat), page, "json")


@router.get("/papers/week", include_in_schema=False)
async def this_week(request: Request) -> RedirectResponse:
    newest = await current_day(request) or datetime.now(UTC).date()
    return RedirectResponse(periods.week_of(newest).url, status_code=302)


@router.get("/papers/month", include_in_schema=False)
async def this_month(request: Request) -> RedirectResponse:
    newest = await current_day(request) or datetime.now(UTC).date()
    return RedirectResponse(periods.month(newest.year, newest.month).url, status_code=302)


async def current_day(request: Request) -> date | None:
    """The latest day with papers on its list (what HF calls today), found once per
    generation and UTC date rather than on every request (~50 ms at 1M papers)."""
    today = datetime.now(UTC).date()
    generation = request.app.state.generation.read(on_replica(request))
    memo = request.app.state.pages
    found = memo.value(("current day", today), generation)
    if found is memo.MISSING:

        def find() -> date | None:
            with read_transaction(request) as conn:
                return queries.latest_day(conn, today)

        found = await run_in_threadpool(find)
        memo.keep_value(("current day", today), generation, found)
    return cast(date | None, found)


@router.get("/papers/date/{day}", summary="Papers of one feed day (YYYY-MM-DD[.json])")
async def by_day(request: Request, day: DayKey, cat: Category = None, page: Page = 1) -> Response:
    return await _period_page(request, "day", day, cat, page)


@router.get("/papers/week/{week}", summary="Papers of an ISO week (YYYY-Www[.json])")
async def by_week(
    request: Request, week: WeekKey, cat: Category = None, page: Page = 1
) -> Response:
    return await _period_page(request, "week", week, cat, page)


@router.get("/papers/month/{month}", summary="Papers of a month (YYYY-MM[.json])")
async def by_month(
    request: Request, month: MonthKey, cat: Category = None, page: Page = 1
) -> Response:
    return await _period_page(request, "month", month, cat, page)


@router.get("/papers/{arxiv_id:path}", summary="One paper (id[vN][.json|.bib])")
async def paper_page(request: Request, arxiv_id: str) -> Response:
    raw, fmt = _split_suffix(arxiv_id)
    parsed = parse_arxiv_id(raw)
    if parsed is None:
        raise HTTPException(404, f"'{raw}' is not an arXiv identifier")
    if fmt == "html" and _wants_markdown(request):
        fmt = "md"  # Accept: text/markdown, as Hugging Face answers it
    if fmt != "html":
        return await run_in_threadpool(_paper_twin, request, parsed.base, fmt)
    flash = _flash(request)
    vectors = len(request.app.state.search.vectors)  # similar papers follow the index

    def render(conn: Connection) -> Rendered:
        row = _stored_paper(conn, parsed.base)
        submission = submission_of(conn, row["id"])
        row["upvotes"] = vote_count(conn, row["id"])
        row["submitted_by"] = (submission or {}).get("display_name")
        comments = thread(conn, row["id"])
        context = {
            "submission": submission,
            "comments": comments,
            "similar": similar_papers(conn, row, 5, request.app.state.search),
            "flash": flash,
            "paper": row,
            "asked_version": parsed.version,
            "links": code_links(row["abstract"], row.get("comments")),
            "bibtex": bibtex_entry(row),
            "page_title": tex_as_text(row["title"]),
        }
        kept = {
            "paper": row,
            "comments": comments,
            "commenters": _commenters(comments),
            "comment_views": {},
        }
        return Rendered("papers/paper.html", context, papers=[row], keep=kept)

    key = ("paper", parsed.base, parsed.version, flash, vectors)
    return await cached_page(request, key, render, {"comments": _member_comments})


def _member_comments(request: Request, kept: dict[str, Any]) -> str:
    """The discussion as this member sees it: their own comments' edit and delete, a
    moderator's hide, the reply and comment forms. Kept with the page per kind of member
    (only members who wrote here see it differently; the CSRF token is a mark filled later)."""
    me = request.state.account
    own = me.id if me.id in kept["commenters"] else None
    key = (own, me.is_moderator, me.verified)
    done: dict[tuple[object, ...], str] = kept["comment_views"]
    html = done.get(key)
    if html is None:
        template = request.app.state.templates.env.get_template("community/_comments.html")
        shell = SimpleNamespace(state=SimpleNamespace(account=me, csrf=CSRF))
        html = str(template.render(request=shell, paper=kept["paper"], comments=kept["comments"]))
        done[key] = html
    return html


def _commenters(comments: list[CommentView]) -> set[int]:
    found: set[int] = set()
    for c in comments:
        if c.user_id is not None:
            found.add(c.user_id)
        found |= _commenters(c.replies)
    return found


def _stored_paper(conn: Connection, base: str) -> dict[str, Any]:
    row = queries.get_paper(conn, base)
    if row is None:
        raise HTTPException(
            404,
            f"arXiv:{base} is not in this instance yet "
            f"(an operator can add it with: paperfeed fetch {base})",
        )
    return row


def _paper_twin(request: Request, base: str, fmt: str) -> Response:
    """The paper as BibTeX, JSON or Markdown."""
    with read_transaction(request) as conn:
        row = _stored_paper(conn, base)
        if fmt == "bib":
            return PlainTextResponse(bibtex_entry(row), media_type=BIBTEX)
        if fmt == "md":
            site = str(request.app.state.settings.base_url).rstrip("/")
            return PlainTextResponse(
                paper_markdown(row, site), media_type="text/markdown; charset=utf-8"
            )
        submission = submission_of(conn, row["id"])
        row["upvotes"] = vote_count(conn, row["id"])
        row["submitted_by"] = (submission or {}).get("display_name")
    return JSONResponse(paper_out(row, full=True).model_dump(mode="json"))


WHOLE_LIST = 100_000  # a month of every arXiv category is about 25,000 papers


def _wants_markdown(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/markdown" in accept and "text/html" not in accept


async def _period_page(
    request: Request, kind: str, text: str, cat: str | None, page: int
) -> Response:
    key, fmt = _split_suffix(text)
    try:
        period = periods.parse(kind, key)
    except periods.BadPeriod as exc:  # well-formed (the route's pattern) but no such day
        raise HTTPException(404, str(exc)) from exc
    if fmt != "html":
        return await run_in_threadpool(_list_twin, request, period, _category(cat), page, fmt)
    return await _list_page(request, period, _category(cat), page)


async def _list_page(
    request: Request, period: periods.Period, cat: str | None, page: int
) -> Response:
    size = request.app.state.settings.page_size

    def render(conn: Connection) -> Rendered:
        result = queries.list_papers(
            conn, period.start, period.end, category=cat, page=page, page_size=size
        )
        prev_url, next_url = _neighbours(conn, period)
        context = {
            **card_context(conn, result.papers, None),
            "period": period,
            "result": result,
            "category": cat,
            "prev_url": prev_url,
            "next_url": next_url,
            "chips": queries.category_counts(conn, period.start, period.end),
            "page_title": period.label,
        }
        return Rendered("papers/list.html", context, papers=result.papers)

    return await cached_page(request, ("list", period.kind, period.start, cat, page), render)


def _list_twin(
    request: Request, period: periods.Period, cat: str | None, page: int, fmt: str
) -> Response:
    """A list as JSON, or the whole list as BibTeX."""
    with read_transaction(request) as conn:
        if fmt == "bib":  # the whole list, not one page of it
            whole = queries.list_papers(
                conn, period.start, period.end, category=cat, page=1, page_size=WHOLE_LIST
            )
            return bibtex_list(whole.papers)
        result = queries.list_papers(
            conn,
            period.start,
            period.end,
            category=cat,
            page=page,
            page_size=request.app.state.settings.page_size,
        )
        prev_url, next_url = _neighbours(conn, period)
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


def _render_empty(request: Request) -> Response:
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
    with read_transaction(request) as conn:
        image = thumbnails.image_of(conn, parsed.base)
    if image is not None:
        return Response(
            image, media_type="image/webp", headers={"Cache-Control": f"public, max-age={YEAR}"}
        )
    return FileResponse(
        STATIC / "thumbnail.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=600"},
    )
