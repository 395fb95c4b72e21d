"""Reads of papers: lists by feed day, week or month with a category filter, one paper."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, exists, func, literal, select, true, union_all

from paperfeed.papers.models import Paper

papers = Paper.__table__
LIST_COLUMNS = [
    c
    for c in papers.c
    if c.name not in ("content_hash", "source", "report_no", "license", "submitter")
]


@dataclass
class PaperPage:
    papers: list[dict[str, Any]]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _in_category(category: str) -> Any:
    padded = literal(" ") + papers.c.categories + literal(" ")
    return padded.like(f"% {category} %")


def _period(start: date, end: date, category: str | None) -> list[Any]:
    conds = [papers.c.feed_date >= start, papers.c.feed_date <= end]
    if category:
        conds.append(_in_category(category))
    return conds


def _community() -> tuple[Any, Any, Any]:
    from paperfeed.community.models import Submission, User, Vote

    votes, subs, users = Vote.__table__, Submission.__table__, User.__table__
    counts = select(votes.c.paper_id, func.count().label("n")).group_by(votes.c.paper_id).subquery()
    return counts, subs, users


def listed_ids(start: date, end: date | None = None) -> Any:
    """The ids on the lists of start..end: a member's submission on the day it was submitted,
    any other paper on its announcement day. Two indexed look-ups joined by UNION ALL — an
    OR across the outer join made both databases read every paper (0.5 s at 1M papers)."""
    _counts, subs, _users = _community()
    announced = select(papers.c.id).where(
        papers.c.feed_date >= start, ~exists().where(subs.c.paper_id == papers.c.id)
    )
    submitted = select(subs.c.paper_id).where(subs.c.submitted_on >= start)
    if end is not None:
        announced = announced.where(papers.c.feed_date <= end)
        submitted = submitted.where(subs.c.submitted_on <= end)
    return union_all(announced, submitted)


def list_papers(
    conn: Connection,
    start: date,
    end: date,
    *,
    category: str | None,
    page: int,
    page_size: int,
    submitter: str | None = None,
    order: str = "upvotes",
) -> PaperPage:
    """Papers that joined the feed between start and end, inclusive: a member's submission
    on the day it was submitted (and only then), any other paper on its announcement day.
    Most upvoted first, then newest; or newest first (`order="published"`).
    `submitter`: a member's display name or handle, or "arXiv" for the papers no member
    submitted."""
    counts, subs, users = _community()
    conds = [papers.c.id.in_(listed_ids(start, end))] + (
        [_in_category(category)] if category else []
    )
    if submitter:
        conds.append(_submitted_by(conn, submitter, subs, users))
    base = select(papers.c.id).outerjoin(subs, subs.c.paper_id == papers.c.id).where(*conds)
    total = conn.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    upvotes = func.coalesce(counts.c.n, 0).label("upvotes")
    rows = conn.execute(
        select(
            *LIST_COLUMNS,
            upvotes,
            subs.c.submitted_on,
            subs.c.submitted_at,
            users.c.display_name.label("submitted_by"),
        )
        .outerjoin(counts, counts.c.paper_id == papers.c.id)
        .outerjoin(subs, subs.c.paper_id == papers.c.id)
        .outerjoin(users, users.c.id == subs.c.user_id)
        .where(*conds)
        .order_by(
            *([] if order == "published" else [upvotes.desc()]),
            func.coalesce(subs.c.submitted_on, papers.c.feed_date).desc(),
            papers.c.published_at.desc(),
            papers.c.id.desc(),
        )
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).mappings()
    return PaperPage([dict(r) for r in rows], total, page, page_size)


def _submitted_by(conn: Connection, submitter: str, subs: Any, users: Any) -> Any:
    """Papers submitted by this member (display name, or the handle the API shows), or,
    for "arXiv", the papers no member submitted (the API shows arXiv as their submitter)."""
    wanted = submitter.strip()
    if wanted.lower() == "arxiv":
        return subs.c.paper_id.is_(None)
    handle = "".join(ch for ch in wanted.lower() if ch.isalnum())
    submitters = conn.execute(
        select(users.c.id, users.c.display_name).where(users.c.id.in_(select(subs.c.user_id)))
    )
    members = [
        user_id
        for user_id, name in submitters
        if name == wanted or "".join(ch for ch in name.lower() if ch.isalnum()) == handle
    ]
    return subs.c.user_id.in_(members or [-1])


def category_counts(
    conn: Connection, start: date, end: date, limit: int = 12
) -> list[tuple[str, int]]:
    """The most common primary categories of a period, for the filter chips."""
    count = func.count().label("n")
    rows = conn.execute(
        select(papers.c.primary_category, count)
        .where(*_period(start, end, None), papers.c.primary_category.is_not(None))
        .group_by(papers.c.primary_category)
        .order_by(count.desc(), papers.c.primary_category)
        .limit(limit)
    )
    return [(r[0], r[1]) for r in rows]


def latest_day(conn: Connection, on_or_before: date) -> date | None:
    """The newest day with papers on its list, announced or submitted by a member."""
    _counts, subs, _users = _community()
    announced = papers.c.id.not_in(select(subs.c.paper_id))  # submitted ones: their own day
    days = [
        conn.execute(
            select(func.max(papers.c.feed_date)).where(
                papers.c.feed_date <= on_or_before, announced
            )
        ).scalar_one_or_none(),
        conn.execute(
            select(func.max(subs.c.submitted_on)).where(subs.c.submitted_on <= on_or_before)
        ).scalar_one_or_none(),
    ]
    found = [_day(d) for d in days if d is not None]
    return max(found) if found else None


def neighbour_days(conn: Connection, start: date, end: date) -> tuple[date | None, date | None]:
    """The nearest days with papers on their list (announced or submitted) before `start`
    and after `end`."""
    _counts, subs, _users = _community()
    announced = papers.c.id.not_in(select(subs.c.paper_id))  # submitted ones: their own day
    days = ((papers.c.feed_date, announced), (subs.c.submitted_on, true()))
    before = [
        conn.execute(select(func.max(col)).where(col < start, cond)).scalar_one_or_none()
        for col, cond in days
    ]
    after = [
        conn.execute(select(func.min(col)).where(col > end, cond)).scalar_one_or_none()
        for col, cond in days
    ]
    earlier = [_day(d) for d in before if d is not None]
    later = [_day(d) for d in after if d is not None]
    return (max(earlier) if earlier else None), (min(later) if later else None)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def papers_by_author(conn: Connection, name: str, *, page: int, page_size: int) -> PaperPage:
    """Papers with an author of exactly this name, newest first."""
    cond: Any
    if conn.dialect.name == "postgresql":
        from sqlalchemy import cast as sql_cast
        from sqlalchemy.dialects.postgresql import JSONB

        cond = papers.c.authors.op("@>")(sql_cast([{"name": name}], JSONB))
    else:
        from sqlalchemy import text

        cond = text(
            "EXISTS (SELECT 1 FROM json_each(papers.authors) "
            "WHERE json_extract(json_each.value, '$.name') = :author)"
        ).bindparams(author=name)
    total = conn.execute(select(func.count()).select_from(papers).where(cond)).scalar_one()
    rows = conn.execute(
        select(*LIST_COLUMNS)
        .where(cond)
        .order_by(papers.c.feed_date.desc(), papers.c.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).mappings()
    return PaperPage([dict(r) for r in rows], total, page, page_size)


def get_paper(conn: Connection, arxiv_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(papers).where(papers.c.arxiv_id == arxiv_id)).mappings().first()
    return dict(row) if row else None


def count_papers(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(papers)).scalar_one()


def papers_by_ids(conn: Connection, ids: list[int]) -> list[dict[str, Any]]:
    """These papers' list columns (in no particular order)."""
    if not ids:
        return []
    rows = conn.execute(select(*LIST_COLUMNS).where(papers.c.id.in_(ids))).mappings()
    return [dict(r) for r in rows]
