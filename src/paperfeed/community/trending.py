"""Trending: a published score from upvotes, GitHub star velocity and age.

    score = (U + S) / (H + 2) ** G

    U  upvotes of the paper
    S  0.5 * log2(1 + star velocity), star velocity = GitHub stars gained per day (0 if unknown)
    H  hours since the paper joined the feed (its submission, or its announcement day)
    G  1.5, the gravity that lets new papers rise and old ones sink

Only papers with at least one upvote or a known repository are ranked. Windows: papers that
joined the feed in the last day, week or month. This text is shown on /about/trending.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, func, or_, select, union_all

from paperfeed.community.github import github_repo, star_velocity
from paperfeed.community.models import Submission, Vote
from paperfeed.papers.queries import LIST_COLUMNS, papers

votes = cast(Table, Vote.__table__)
submissions = cast(Table, Submission.__table__)
GRAVITY = 1.5
STAR_WEIGHT = 0.5
WINDOWS = {"day": 1, "week": 7, "month": 30}
LIMIT = 50


@dataclass
class Scored:
    paper: dict[str, Any]
    upvotes: int
    stars: int | None
    star_velocity: float
    star_part: float
    hours: float
    score: float


def score(upvotes: int, velocity: float, hours: float) -> tuple[float, float]:
    """(score, star part) by the formula above."""
    star_part = STAR_WEIGHT * math.log2(1 + max(0.0, velocity))
    return (upvotes + star_part) / (max(0.0, hours) + 2) ** GRAVITY, star_part


def joined_at(paper: dict[str, Any]) -> datetime:
    """When the paper joined the feed: its submission by a member, else its listing day."""
    submitted: datetime | None = paper.get("submitted_at")
    return submitted or datetime.combine(paper["feed_date"], time(0, 0), tzinfo=UTC)


def joined_since(since: date) -> Any:
    """Papers announced or submitted since `since`: two indexed look-ups (an OR across the
    outer join read every paper: 2 s at 1M papers)."""
    return union_all(
        select(papers.c.id).where(papers.c.feed_date >= since),
        select(submissions.c.paper_id).where(submissions.c.submitted_on >= since),
    )


def trending(conn: Connection, window: str, now: datetime) -> list[Scored]:
    days = WINDOWS[window]
    since = (now - timedelta(days=days)).date()
    count = (
        select(votes.c.paper_id, func.count().label("upvotes"))
        .group_by(votes.c.paper_id)
        .subquery()
    )
    rows = (
        conn.execute(
            select(
                *LIST_COLUMNS,
                func.coalesce(count.c.upvotes, 0).label("upvotes"),
                submissions.c.submitted_at,
            )
            .outerjoin(count, count.c.paper_id == papers.c.id)
            .outerjoin(submissions, submissions.c.paper_id == papers.c.id)
            .where(papers.c.id.in_(joined_since(since)))
            .where(
                or_(
                    count.c.upvotes > 0,
                    papers.c.abstract.like("%github.com/%"),
                    papers.c.comments.like("%github.com/%"),
                )
            )
        )
        .mappings()
        .all()
    )
    scored = score_papers(conn, [dict(r) for r in rows], now)
    return [s for s in scored if s.upvotes or s.stars is not None][:LIMIT]


def score_papers(conn: Connection, candidates: list[dict[str, Any]], now: datetime) -> list[Scored]:
    """Score papers (rows with `upvotes`) by the formula, best first."""
    repos = {p["id"]: github_repo(p["abstract"], p["comments"]) for p in candidates}
    first_seen = {repo: joined_at(p) for p in candidates if (repo := repos[p["id"]])}
    stars = star_velocity(conn, [r for r in repos.values() if r], now, first_seen)
    ranked = []
    for p in candidates:
        known = stars.get(repos[p["id"]] or "")
        velocity = known[1] if known else 0.0
        hours = max(0.0, (now - joined_at(p)).total_seconds() / 3600)
        value, star_part = score(p.get("upvotes") or 0, velocity, hours)
        ranked.append(
            Scored(
                p,
                p.get("upvotes") or 0,
                known[0] if known else None,
                velocity,
                star_part,
                hours,
                value,
            )
        )
    ranked.sort(key=lambda s: (-s.score, -s.upvotes, s.paper["arxiv_id"]))
    return ranked
