"""Upvotes: one per account and paper, set (not toggled) so that retries and double clicks agree."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Table, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from paperfeed.community.models import Vote

votes = cast(Table, Vote.__table__)


def set_vote(conn: Connection, user_id: int, paper_id: int, up: bool, now: datetime) -> int:
    """Make the account's vote on the paper `up` (or not); returns the paper's vote count.

    The unique (user, paper) constraint with INSERT ... ON CONFLICT DO NOTHING is what keeps
    fifty concurrent clicks to one vote: there is no read-then-write."""
    if up:
        dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(
            dialect_insert(votes)
            .values(user_id=user_id, paper_id=paper_id, created_at=now)
            .on_conflict_do_nothing()
        )
    else:
        conn.execute(delete(votes).where(votes.c.user_id == user_id, votes.c.paper_id == paper_id))
    return vote_count(conn, paper_id)


def vote_count(conn: Connection, paper_id: int) -> int:
    return conn.execute(select(func.count()).where(votes.c.paper_id == paper_id)).scalar_one()


def voted_papers(conn: Connection, user_id: int | None, paper_ids: list[int]) -> set[int]:
    if user_id is None or not paper_ids:
        return set()
    rows = conn.execute(
        select(votes.c.paper_id).where(votes.c.user_id == user_id, votes.c.paper_id.in_(paper_ids))
    )
    return {r[0] for r in rows}


def vote_counts(conn: Connection, paper_ids: list[int]) -> dict[int, int]:
    if not paper_ids:
        return {}
    rows = conn.execute(
        select(votes.c.paper_id, func.count())
        .where(votes.c.paper_id.in_(paper_ids))
        .group_by(votes.c.paper_id)
    )
    return {pid: n for pid, n in rows}
