"""/api writes with a personal API token: submit, upvote, comment (shapes like Hugging Face's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from paperfeed.api.schemas import HfNewComment, hf_comment
from paperfeed.api.views import ErrorOut, paper_row
from paperfeed.community import comments, votes
from paperfeed.community.accounts import Account, AccountError, now_utc
from paperfeed.community.submissions import (
    SubmissionRefused,
    UpstreamFailure,
    fetch_if_missing,
    parse_submission,
    submit,
)
from paperfeed.papers.ids import ID_PATTERN
from paperfeed.web.auth import bearer_account
from paperfeed.web.ratelimit import client_ip

router = APIRouter(
    prefix="/api",
    tags=["Write (API token)"],
    responses={
        400: {"model": ErrorOut},
        401: {"model": ErrorOut},
        403: {"model": ErrorOut},
        404: {"model": ErrorOut},
        429: {"model": ErrorOut},
    },
)
Member = Annotated[Account, Depends(bearer_account)]


SUBMITTABLE = rf"^(?:arXiv:)?{ID_PATTERN}$|^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/{ID_PATTERN}$"


class SubmitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    arxivId: str = Field(
        max_length=500,
        pattern=SUBMITTABLE,
        description="arXiv id (2401.01234, arXiv:2401.01234v2, hep-th/9901001) or its "
        "arxiv.org abs or pdf URL",
    )


class SubmitOut(BaseModel):
    arxivId: str
    created: bool
    url: str


class VoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    up: bool = True


class VoteOut(BaseModel):
    id: str
    voted: bool
    upvotes: int


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field(min_length=1, max_length=comments.MAX_LENGTH)


def _limit(request: Request, me: Account) -> None:
    request.app.state.rate_limits.hit("write", f"ip:{client_ip(request)}", f"user:{me.id}")


@router.post(
    "/papers/index",
    response_model=SubmitOut,
    status_code=201,
    responses={
        200: {"model": SubmitOut, "description": "Submitted before (by anyone)"},
        502: {"model": ErrorOut, "description": "arXiv answered with an error"},
        503: {"model": ErrorOut, "description": "arXiv cannot be reached"},
    },
    summary="Submit a paper to today's list",
)
def submit_paper(request: Request, body: SubmitIn, me: Member) -> JSONResponse:
    _limit(request, me)
    settings = request.app.state.settings
    try:
        arxiv_id = parse_submission(body.arxivId)
        fetch_if_missing(request.app.state.engine, settings, arxiv_id)
        with request.app.state.engine.begin() as conn:
            result = submit(
                conn, me.id, arxiv_id, max_age_days=settings.submission_max_age_days, now=now_utc()
            )
    except SubmissionRefused as exc:
        raise HTTPException(exc.status, str(exc)) from exc
    except AccountError as exc:
        raise HTTPException(400, str(exc)) from exc
    except UpstreamFailure as exc:
        raise HTTPException(exc.status, str(exc)) from exc
    out = SubmitOut(
        arxivId=result.arxiv_id,
        created=result.created,
        url=f"{settings.base_url}/papers/{result.arxiv_id}",
    )
    return JSONResponse(out.model_dump(), status_code=201 if result.created else 200)


@router.post(
    "/papers/{paper_id:path}/upvote",
    response_model=VoteOut,
    summary="Set your upvote on a paper (idempotent)",
)
def upvote(request: Request, paper_id: str, body: VoteIn, me: Member) -> VoteOut:
    _limit(request, me)
    with request.app.state.engine.begin() as conn:
        row = paper_row(conn, paper_id)
        count = votes.set_vote(conn, me.id, row["id"], body.up, now_utc())
    return VoteOut(id=row["arxiv_id"], voted=body.up, upvotes=count)


@router.post(
    "/papers/{paper_id:path}/comment/{comment_id}/reply",
    response_model=HfNewComment,
    response_model_exclude_none=True,
    status_code=201,
    summary="Reply to a comment",
)
def reply(
    request: Request, paper_id: str, comment_id: int, body: CommentIn, me: Member
) -> HfNewComment:
    return _comment(request, paper_id, body, me, comment_id)


@router.post(
    "/papers/{paper_id:path}/comment",
    response_model=HfNewComment,
    response_model_exclude_none=True,
    status_code=201,
    summary="Comment on a paper (Markdown)",
)
def comment(request: Request, paper_id: str, body: CommentIn, me: Member) -> HfNewComment:
    return _comment(request, paper_id, body, me, None)


def _comment(
    request: Request, paper_id: str, body: CommentIn, me: Account, parent: int | None
) -> HfNewComment:
    _limit(request, me)
    now = now_utc()
    try:
        with request.app.state.engine.begin() as conn:
            row = paper_row(conn, paper_id)
            new_id = comments.add_comment(conn, me, row["id"], body.comment, parent, now)
    except AccountError as exc:
        raise HTTPException(400, str(exc)) from exc
    base = str(request.app.state.settings.base_url).rstrip("/")
    return HfNewComment(
        newMessage=hf_comment(
            comment_id=new_id,
            created_at=now,
            author=me.display_name,
            raw=body.comment,
            html=str(comments.render_markdown(body.comment)),
            edited=False,
            parent=parent,
            base_url=base,
        )
    )
