"""Follows (authors, categories), mutes (authors, categories, keywords) and "not interested"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, select

from paperfeed.community.models import Vote
from paperfeed.db.engine import insert_for
from paperfeed.papers.ids import CATEGORY_PATTERN
from paperfeed.personal.models import (
    FOLLOW_KINDS,
    MUTE_KINDS,
    Follow,
    LibraryItem,
    Mute,
    NotInterested,
)

follows = cast(Table, Follow.__table__)
mutes = cast(Table, Mute.__table__)
not_interested = cast(Table, NotInterested.__table__)
MAX_PER_KIND = 500
_CATEGORY = re.compile(rf"^{CATEGORY_PATTERN}$")


class SignalError(ValueError):
    """A follow or mute that cannot be stored (the message names the field and why)."""


def clean_value(kind: str, value: str) -> str:
    """The stored form of an author name, a category or a keyword; SignalError if unusable."""
    cleaned = " ".join(value.split())
    if not cleaned:
        raise SignalError(f"{kind}: empty")
    if len(cleaned) > 300:
        raise SignalError(f"{kind}: at most 300 characters")
    if kind == "category" and not _CATEGORY.match(cleaned):
        raise SignalError(f"category: '{cleaned[:40]}' is not an arXiv category such as cs.CL")
    if kind == "keyword":
        cleaned = cleaned.lower()
    return cleaned


def _set(
    conn: Connection,
    table: Table,
    kinds: tuple[str, ...],
    user_id: int,
    kind: str,
    value: str,
    on: bool,
    now: datetime,
) -> str:
    if kind not in kinds:
        raise SignalError(f"kind: one of {', '.join(kinds)}")
    value = clean_value(kind, value)
    where = (table.c.user_id == user_id, table.c.kind == kind, table.c.value == value)
    if not on:
        conn.execute(delete(table).where(*where))
        return value
    count = len(conn.execute(select(table.c.id).where(*where[:2])).all())
    if count >= MAX_PER_KIND:
        raise SignalError(f"{kind}: at most {MAX_PER_KIND}")
    conn.execute(
        insert_for(conn, table)
        .values(user_id=user_id, kind=kind, value=value, created_at=now)
        .on_conflict_do_nothing()
    )
    return value


def set_follow(
    conn: Connection, user_id: int, kind: str, value: str, on: bool, now: datetime
) -> str:
    return _set(conn, follows, FOLLOW_KINDS, user_id, kind, value, on, now)


def set_mute(conn: Connection, user_id: int, kind: str, value: str, on: bool, now: datetime) -> str:
    return _set(conn, mutes, MUTE_KINDS, user_id, kind, value, on, now)


def set_not_interested(
    conn: Connection, user_id: int, paper_id: int, on: bool, now: datetime
) -> None:
    where = (not_interested.c.user_id == user_id, not_interested.c.paper_id == paper_id)
    if on:
        conn.execute(
            insert_for(conn, not_interested)
            .values(user_id=user_id, paper_id=paper_id, created_at=now)
            .on_conflict_do_nothing()
        )
    else:
        conn.execute(delete(not_interested).where(*where))


@dataclass
class Signals:
    """Everything a member told paperfeed about their taste, besides their library."""

    follow_authors: set[str] = field(default_factory=set)
    follow_categories: set[str] = field(default_factory=set)
    mute_authors: set[str] = field(default_factory=set)
    mute_categories: set[str] = field(default_factory=set)
    mute_keywords: set[str] = field(default_factory=set)
    not_interested: set[int] = field(default_factory=set)

    def as_json(self) -> dict[str, list[str]]:
        return {
            "followedAuthors": sorted(self.follow_authors),
            "followedCategories": sorted(self.follow_categories),
            "mutedAuthors": sorted(self.mute_authors),
            "mutedCategories": sorted(self.mute_categories),
            "mutedKeywords": sorted(self.mute_keywords),
        }


def signals(conn: Connection, user_id: int) -> Signals:
    found = Signals()
    for kind, value in conn.execute(
        select(follows.c.kind, follows.c.value).where(follows.c.user_id == user_id)
    ):
        (found.follow_authors if kind == "author" else found.follow_categories).add(value)
    muted = {
        "author": found.mute_authors,
        "category": found.mute_categories,
        "keyword": found.mute_keywords,
    }
    for kind, value in conn.execute(
        select(mutes.c.kind, mutes.c.value).where(mutes.c.user_id == user_id)
    ):
        muted[kind].add(value)
    found.not_interested = set(
        conn.execute(
            select(not_interested.c.paper_id).where(not_interested.c.user_id == user_id)
        ).scalars()
    )
    return found


def keyword_pattern(keywords: set[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any muted keyword as whole words."""
    if not keywords:
        return None
    alternatives = "|".join(re.escape(k) for k in sorted(keywords, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def muted_reason(
    paper: dict[str, Any], found: Signals, keywords: re.Pattern[str] | None
) -> str | None:
    """Why a paper must not be shown to this member (None: it may be)."""
    if paper["id"] in found.not_interested:
        return "not interested"
    names = {a.get("name", "") for a in paper.get("authors") or []}
    if names & found.mute_authors:
        return "muted author"
    if set((paper.get("categories") or "").split()) & found.mute_categories:
        return "muted category"
    if keywords and keywords.search(f"{paper.get('title', '')}\n{paper.get('abstract', '')}"):
        return "muted keyword"
    return None


def has_taste(conn: Connection, user_id: int) -> bool:
    """Whether the member has told paperfeed anything (a save, an upvote, a follow)."""
    for table in (cast(Table, LibraryItem.__table__), cast(Table, Vote.__table__), follows):
        found = conn.execute(
            select(table.c.user_id).where(table.c.user_id == user_id).limit(1)
        ).first()
        if found:
            return True
    return False
