"""Community on papers: submit, upvote, comment, trending, author pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import Connection, select

from paperfeed.community import comments, trending, votes
from paperfeed.community.accounts import Account, AccountError, now_utc
from paperfeed.community.submissions import (
    UpstreamFailure,
    fetch_if_missing,
    parse_submission,
    submit,
)
from paperfeed.pagecache.serve import Rendered, cached_page
from paperfeed.papers.ids import parse_arxiv_id
from paperfeed.papers.queries import get_paper, papers, papers_by_author
from paperfeed.personal import follows
from paperfeed.web.auth import optional_account, verified_account
from paperfeed.web.cards import card_context
from paperfeed.web.csrf import check_csrf
from paperfeed.web.deps import read_transaction
from paperfeed.web.ratelimit import client_ip

router = APIRouter()
Csrf = Depends(check_csrf)
Member = Annotated[Account, Depends(verified_account)]
Body = Annotated[str, Form(max_length=comments.MAX_LENGTH * 2)]


def _limit(request: Request, account: Account) -> None:
    request.app.state.rate_limits.hit("write", f"ip:{client_ip(request)}", f"user:{account.id}")


def _paper_id(request: Request, arxiv_id: str) -> tuple[int, str]:
    parsed = parse_arxiv_id(arxiv_id)
    if parsed is None:
        raise HTTPException(404, f"'{arxiv_id}' is not an arXiv identifier")
    with read_transaction(request) as conn:
        paper = get_paper(conn, parsed.base)
    if paper is None:
        raise HTTPException(404, f"arXiv:{parsed.base} is not in this instance")
    return paper["id"], parsed.base


@router.get("/papers/trending", summary="Trending papers, with each score's parts")
async def trending_page(
    request: Request, window: Annotated[str, Query(pattern="^(day|week|month)$")] = "week"
) -> Response:
    now = datetime.now(UTC)

    def render(conn: Connection) -> Rendered:
        ranked = trending.trending(conn, window, now)
        context = {"ranked": ranked, "window": window, "page_title": "Trending papers"}
        return Rendered("community/trending.html", context, papers=[s.paper for s in ranked])

    # scores age by the hour: recomputed after any write, else once a minute at most
    minute = now.replace(second=0, microsecond=0)
    return await cached_page(request, ("trending", window, minute), render)


@router.get("/papers/trending.json", include_in_schema=False)
def trending_json(
    request: Request, window: Annotated[str, Query(pattern="^(day|week|month)$")] = "week"
) -> Response:
    with read_transaction(request) as conn:
        ranked = trending.trending(conn, window, datetime.now(UTC))
    return JSONResponse(
        {
            "window": window,
            "formula": "score = (U + S) / (H + 2) ** 1.5",
            "papers": [
                {
                    "arxiv_id": s.paper["arxiv_id"],
                    "title": s.paper["title"],
                    "score": s.score,
                    "upvotes": s.upvotes,
                    "stars": s.stars,
                    "star_velocity": s.star_velocity,
                    "star_part": s.star_part,
                    "hours": s.hours,
                }
                for s in ranked
            ],
        }
    )


@router.get("/about/trending", include_in_schema=False)
def about_trending(request: Request) -> Response:
    return request.app.state.templates.TemplateResponse(
        request,
        "community/about_trending.html",
        {"doc": trending.__doc__, "page_title": "How trending works"},
    )


@router.get("/submit", include_in_schema=False)
def submit_form(
    request: Request, account: Annotated[Account | None, Depends(optional_account)]
) -> Response:
    return request.app.state.templates.TemplateResponse(
        request, "community/submit.html", {"page_title": "Submit a paper", "account": account}
    )


@router.post("/submit", dependencies=[Csrf], include_in_schema=False)
def submit_paper(
    request: Request, me: Member, paper: Annotated[str, Form(max_length=500)]
) -> Response:
    _limit(request, me)
    settings = request.app.state.settings
    try:
        arxiv_id = parse_submission(paper)
        ensure_stored(request, arxiv_id)
        with request.app.state.engine.begin() as conn:
            result = submit(
                conn, me.id, arxiv_id, max_age_days=settings.submission_max_age_days, now=now_utc()
            )
    except (AccountError, UpstreamFailure) as exc:
        return request.app.state.templates.TemplateResponse(
            request,
            "community/submit.html",
            {"page_title": "Submit a paper", "error": str(exc), "paper": paper},
            status_code=exc.status if isinstance(exc, UpstreamFailure) else 400,
        )
    flag = "submitted" if result.created else "already"
    return RedirectResponse(f"/papers/{result.arxiv_id}?{flag}=1", status_code=303)


def ensure_stored(request: Request, arxiv_id: str) -> None:
    fetch_if_missing(request.app.state.engine, request.app.state.settings, arxiv_id)


@router.post("/papers/{arxiv_id:path}/vote", dependencies=[Csrf], include_in_schema=False)
def vote(
    request: Request, arxiv_id: str, me: Member, up: Annotated[bool, Form()] = True
) -> Response:
    """Set (not toggle) the vote: the button sends the state it wants."""
    _limit(request, me)
    paper_id, base = _paper_id(request, arxiv_id)
    with request.app.state.engine.begin() as conn:
        count = votes.set_vote(conn, me.id, paper_id, up, now_utc())
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"arxiv_id": base, "voted": up, "upvotes": count})
    back = urlparse(request.headers.get("referer") or "").path or f"/papers/{base}"
    same_site = back.startswith("/") and not back.startswith("//")
    return RedirectResponse(back if same_site else f"/papers/{base}", status_code=303)


@router.post("/papers/{arxiv_id:path}/comments", dependencies=[Csrf], include_in_schema=False)
def comment(
    request: Request,
    arxiv_id: str,
    me: Member,
    body: Body,
    parent_id: Annotated[int | None, Form()] = None,
) -> Response:
    _limit(request, me)
    paper_id, base = _paper_id(request, arxiv_id)
    try:
        with request.app.state.engine.begin() as conn:
            new_id = comments.add_comment(conn, me, paper_id, body, parent_id, now_utc())
    except AccountError as exc:
        raise HTTPException(400, str(exc)) from exc
    return RedirectResponse(f"/papers/{base}#c{new_id}", status_code=303)


def _comment_action(
    request: Request, me: Account, comment_id: int, action: str, body: str = ""
) -> Response:
    now = now_utc()
    try:
        with request.app.state.engine.begin() as conn:
            if action == "edit":
                paper_id = comments.edit_comment(conn, me, comment_id, body, now)
            elif action == "delete":
                paper_id = comments.delete_comment(conn, me, comment_id, now)
            else:
                paper_id = comments.moderate(conn, me, comment_id, action == "hide", now)
            arxiv_id = conn.execute(
                select(papers.c.arxiv_id).where(papers.c.id == paper_id)
            ).scalar_one()
    except LookupError as exc:
        raise HTTPException(404, "No such comment.") from exc
    except PermissionError as exc:
        raise HTTPException(403, f"Not allowed: {exc}.") from exc
    except AccountError as exc:
        raise HTTPException(400, str(exc)) from exc
    return RedirectResponse(f"/papers/{arxiv_id}#c{comment_id}", status_code=303)


@router.post("/comments/{comment_id}/edit", dependencies=[Csrf], include_in_schema=False)
def comment_edit(request: Request, comment_id: int, me: Member, body: Body) -> Response:
    _limit(request, me)
    return _comment_action(request, me, comment_id, "edit", body)


@router.post("/comments/{comment_id}/delete", dependencies=[Csrf], include_in_schema=False)
def comment_delete(request: Request, comment_id: int, me: Member) -> Response:
    return _comment_action(request, me, comment_id, "delete")


@router.post("/comments/{comment_id}/hide", dependencies=[Csrf], include_in_schema=False)
def comment_hide(request: Request, comment_id: int, me: Member) -> Response:
    return _comment_action(request, me, comment_id, "hide")


@router.post("/comments/{comment_id}/restore", dependencies=[Csrf], include_in_schema=False)
def comment_restore(request: Request, comment_id: int, me: Member) -> Response:
    return _comment_action(request, me, comment_id, "restore")


@router.get("/authors/{name:path}", summary="Papers by one author")
def author_page(
    request: Request, name: str, page: Annotated[int, Query(ge=1, le=100_000)] = 1
) -> Response:
    name = name.removesuffix(".json")[:300]
    size = request.app.state.settings.page_size
    with read_transaction(request) as conn:
        result = papers_by_author(conn, name, page=page, page_size=size)
    if request.url.path.endswith(".json"):
        return JSONResponse(
            {
                "author": name,
                "total": result.total,
                "papers": [p["arxiv_id"] for p in result.papers],
            }
        )
    account = request.state.account
    context: dict[str, object] = {"name": name, "result": result, "page_title": name}
    with read_transaction(request) as conn:
        context.update(card_context(conn, result.papers, account))
        if account is not None:
            found = follows.signals(conn, account.id)
            context["following"] = name in found.follow_authors
            context["muted"] = name in found.mute_authors
    return request.app.state.templates.TemplateResponse(request, "community/author.html", context)
