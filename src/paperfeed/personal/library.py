"""Library and collections: save and unsave papers, named reading lists, public ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, func, select, update

from paperfeed.community.models import User
from paperfeed.db.engine import insert_for
from paperfeed.papers.queries import LIST_COLUMNS, papers
from paperfeed.personal.models import Collection, CollectionPaper, LibraryItem

library = cast(Table, LibraryItem.__table__)
collections = cast(Table, Collection.__table__)
collection_papers = cast(Table, CollectionPaper.__table__)
MAX_COLLECTIONS = 200
NAME_LENGTH = 120


class CollectionError(ValueError):
    """A collection request that cannot be done (the message says why)."""


def save(conn: Connection, user_id: int, paper_ids: list[int], now: datetime, source: str) -> int:
    """Put papers in the member's library (those already there stay as they were);
    returns how many were new."""
    if not paper_ids:
        return 0
    have = saved_ids(conn, user_id, paper_ids)
    rows = [
        {"user_id": user_id, "paper_id": pid, "source": source, "created_at": now}
        for pid in dict.fromkeys(paper_ids)
        if pid not in have
    ]
    if rows:
        conn.execute(insert_for(conn, library).values(rows).on_conflict_do_nothing())
    return len(rows)


def unsave(conn: Connection, user_id: int, paper_id: int) -> None:
    """Take a paper out of the library and out of the member's collections."""
    conn.execute(
        delete(library).where(library.c.user_id == user_id, library.c.paper_id == paper_id)
    )
    mine = select(collections.c.id).where(collections.c.user_id == user_id)
    conn.execute(
        delete(collection_papers).where(
            collection_papers.c.paper_id == paper_id, collection_papers.c.collection_id.in_(mine)
        )
    )


def saved_ids(
    conn: Connection, user_id: int | None, paper_ids: list[int] | None = None
) -> set[int]:
    """Which of these papers (all, when None) are in the member's library."""
    if user_id is None:
        return set()
    query = select(library.c.paper_id).where(library.c.user_id == user_id)
    if paper_ids is not None:
        if not paper_ids:
            return set()
        query = query.where(library.c.paper_id.in_(paper_ids))
    return {r[0] for r in conn.execute(query)}


def library_papers(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    """The library's papers, most recently saved first."""
    rows = conn.execute(
        select(*LIST_COLUMNS, library.c.created_at.label("saved_at"), library.c.source)
        .join(library, library.c.paper_id == papers.c.id)
        .where(library.c.user_id == user_id)
        .order_by(library.c.created_at.desc(), library.c.id.desc())
    ).mappings()
    return [dict(r) for r in rows]


@dataclass(frozen=True)
class CollectionInfo:
    id: int
    user_id: int
    name: str
    description: str
    public: bool
    size: int
    owner: str


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise CollectionError("name: give the collection a name")
    if len(cleaned) > NAME_LENGTH:
        raise CollectionError(f"name: at most {NAME_LENGTH} characters")
    return cleaned


def create_collection(
    conn: Connection,
    user_id: int,
    name: str,
    now: datetime,
    *,
    public: bool = False,
    description: str = "",
) -> int:
    name = _clean_name(name)
    count = conn.execute(select(func.count()).where(collections.c.user_id == user_id)).scalar_one()
    if count >= MAX_COLLECTIONS:
        raise CollectionError(f"at most {MAX_COLLECTIONS} collections an account")
    taken = conn.execute(
        select(collections.c.id).where(collections.c.user_id == user_id, collections.c.name == name)
    ).first()
    if taken:
        raise CollectionError(f"name: you already have a collection called “{name}”")
    return int(
        conn.execute(
            collections.insert()
            .values(
                user_id=user_id,
                name=name,
                description=description[:2000],
                public=public,
                created_at=now,
            )
            .returning(collections.c.id)
        ).scalar_one()
    )


def update_collection(
    conn: Connection,
    user_id: int,
    collection_id: int,
    *,
    name: str | None = None,
    public: bool | None = None,
    description: str | None = None,
) -> None:
    own_collection(conn, user_id, collection_id)
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = _clean_name(name)
    if public is not None:
        values["public"] = public
    if description is not None:
        values["description"] = description[:2000]
    if values:
        conn.execute(update(collections).where(collections.c.id == collection_id).values(**values))


def delete_collection(conn: Connection, user_id: int, collection_id: int) -> None:
    own_collection(conn, user_id, collection_id)
    conn.execute(delete(collections).where(collections.c.id == collection_id))


def own_collection(conn: Connection, user_id: int, collection_id: int) -> CollectionInfo:
    """The member's own collection; LookupError when it is not theirs (or not there)."""
    info = collection_info(conn, collection_id)
    if info is None or info.user_id != user_id:
        raise LookupError(collection_id)
    return info


def collection_info(conn: Connection, collection_id: int) -> CollectionInfo | None:
    users = cast(Table, User.__table__)
    size = (
        select(func.count())
        .where(collection_papers.c.collection_id == collections.c.id)
        .scalar_subquery()
    )
    row = (
        conn.execute(
            select(collections, size.label("size"), users.c.display_name)
            .join(users, users.c.id == collections.c.user_id)
            .where(collections.c.id == collection_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    return CollectionInfo(
        row["id"],
        row["user_id"],
        row["name"],
        row["description"],
        bool(row["public"]),
        int(row["size"]),
        row["display_name"],
    )


def member_collections(conn: Connection, user_id: int) -> list[CollectionInfo]:
    ids = conn.execute(
        select(collections.c.id)
        .where(collections.c.user_id == user_id)
        .order_by(collections.c.name)
    ).scalars()
    return [c for c in (collection_info(conn, i) for i in ids) if c is not None]


def add_to_collection(
    conn: Connection, user_id: int, collection_id: int, paper_id: int, now: datetime
) -> None:
    """Add a paper to one of the member's collections (and so to their library)."""
    own_collection(conn, user_id, collection_id)
    save(conn, user_id, [paper_id], now, "saved")
    conn.execute(
        insert_for(conn, collection_papers)
        .values(collection_id=collection_id, paper_id=paper_id, added_at=now)
        .on_conflict_do_nothing()
    )


def remove_from_collection(
    conn: Connection, user_id: int, collection_id: int, paper_id: int
) -> None:
    own_collection(conn, user_id, collection_id)
    conn.execute(
        delete(collection_papers).where(
            collection_papers.c.collection_id == collection_id,
            collection_papers.c.paper_id == paper_id,
        )
    )


def collection_papers_of(conn: Connection, collection_id: int) -> list[dict[str, Any]]:
    """A collection's papers, most recently added first."""
    rows = conn.execute(
        select(*LIST_COLUMNS, collection_papers.c.added_at)
        .join(collection_papers, collection_papers.c.paper_id == papers.c.id)
        .where(collection_papers.c.collection_id == collection_id)
        .order_by(collection_papers.c.added_at.desc(), papers.c.id.desc())
    ).mappings()
    return [dict(r) for r in rows]
