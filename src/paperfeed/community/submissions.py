"""Submitting a paper by id or URL: it joins today's list, credited to the member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, insert, select
from sqlalchemy.exc import IntegrityError

from paperfeed.community.accounts import AccountError
from paperfeed.community.models import Submission, User
from paperfeed.config import Settings
from paperfeed.papers.ids import parse_arxiv_id
from paperfeed.papers.queries import get_paper

submissions = cast(Table, Submission.__table__)
users = cast(Table, User.__table__)


@dataclass
class SubmitResult:
    arxiv_id: str
    created: bool
    submitted_on: Any = None
    submitted_by: str | None = None


class SubmissionRefused(AccountError):
    """A well-formed submission refused: the paper is not on arXiv (404) or is outside the
    rules for submissions (403)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message, "paper")
        self.status = status


class UpstreamFailure(Exception):
    """arXiv failed us (unreachable: 503; an error answer: 502): not the member's mistake."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def parse_submission(text: str) -> str:
    parsed = parse_arxiv_id(text)
    if parsed is None:
        raise AccountError("Give an arXiv id (2401.01234) or an arxiv.org abs or pdf URL.", "paper")
    return parsed.base


def submit(
    conn: Connection, user_id: int, arxiv_id: str, *, max_age_days: int, now: datetime
) -> SubmitResult:
    """Record the submission; the paper must be stored already (the view fetches it first)."""
    paper = get_paper(conn, arxiv_id)
    if paper is None:
        raise SubmissionRefused(404, f"arXiv:{arxiv_id} could not be found on arXiv.")
    existing = submission_of(conn, paper["id"])
    if existing:
        return SubmitResult(arxiv_id, False, existing["submitted_on"], existing["display_name"])
    first = paper["published_at"] or paper["updated_at"]
    if first is None:  # without a date the age limit cannot be checked: refused, not waved
        raise SubmissionRefused(
            403,
            f"arXiv gave no date for arXiv:{arxiv_id}, so it cannot be checked against the "
            f"{max_age_days}-day limit for submissions.",
        )
    if now - first > timedelta(days=max_age_days):
        raise SubmissionRefused(
            403,
            f"Only papers from the last {max_age_days} days can be submitted; "
            f"arXiv:{arxiv_id} appeared on {first.date()}.",
        )
    try:
        with conn.begin_nested():
            conn.execute(
                insert(submissions).values(
                    paper_id=paper["id"], user_id=user_id, submitted_on=now.date(), submitted_at=now
                )
            )
    except IntegrityError:  # someone else submitted it at the same moment
        existing = submission_of(conn, paper["id"]) or {}
        return SubmitResult(
            arxiv_id, False, existing.get("submitted_on"), existing.get("display_name")
        )
    return SubmitResult(arxiv_id, True, now.date())


def submission_of(conn: Connection, paper_id: int) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(submissions.c.submitted_on, submissions.c.submitted_at, users.c.display_name)
            .outerjoin(users, users.c.id == submissions.c.user_id)
            .where(submissions.c.paper_id == paper_id)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def submissions_of(conn: Connection, paper_ids: list[int]) -> dict[int, dict[str, Any]]:
    """submission_of for many papers at once (the papers that have one)."""
    if not paper_ids:
        return {}
    rows = conn.execute(
        select(
            submissions.c.paper_id,
            submissions.c.submitted_on,
            submissions.c.submitted_at,
            users.c.display_name,
        )
        .outerjoin(users, users.c.id == submissions.c.user_id)
        .where(submissions.c.paper_id.in_(paper_ids))
    ).mappings()
    return {r["paper_id"]: dict(r) for r in rows}


def fetch_if_missing(engine: Engine, settings: Settings, arxiv_id: str) -> None:
    """Fetch the paper through the arXiv API when this instance does not have it yet."""
    with engine.connect() as conn:
        if get_paper(conn, arxiv_id) is not None:
            return
    fetch_many(engine, settings, [arxiv_id])


def fetch_many(engine: Engine, settings: Settings, arxiv_ids: list[str]) -> None:
    """Fetch these papers through the arXiv API (UpstreamFailure when arXiv fails)."""
    from paperfeed.ingest.fetcher import fetch_ids
    from paperfeed.ingest.harvester import client_for
    from paperfeed.sources.arxiv_api import ApiError
    from paperfeed.sources.http import UpstreamUnavailable

    which = ", ".join(arxiv_ids[:3]) + (" …" if len(arxiv_ids) > 3 else "")
    try:
        with client_for(settings) as client:
            fetch_ids(engine, settings, arxiv_ids, client=client)
    except UpstreamUnavailable as exc:
        raise UpstreamFailure(
            503, f"arXiv cannot be reached right now to fetch {which} ({exc}); try later."
        ) from exc
    except ApiError as exc:
        raise UpstreamFailure(
            502, f"arXiv answered with an error when asked for {which} ({exc}); try later."
        ) from exc
