"""Comments on papers: Markdown, sanitised; one level of replies; edit, delete, hide."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import Connection, Table, func, insert, select, update

from paperfeed.community.accounts import Account, AccountError
from paperfeed.community.models import Comment, User

comments = cast(Table, Comment.__table__)
users = cast(Table, User.__table__)
MAX_LENGTH = 10_000
_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
}


def render_markdown(text: str) -> Markup:
    """Markdown to HTML, then sanitised: raw HTML is shown as text, only http(s)/mailto links."""
    html = _md.render(text)
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return Markup(clean)


@dataclass
class CommentView:
    id: int
    user_id: int | None
    author: str
    body: str
    html: Markup
    created_at: datetime
    edited: bool
    hidden: bool
    deleted: bool
    replies: list[CommentView] = field(default_factory=list)


def _check_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise AccountError("A comment cannot be empty.", "body")
    if len(body) > MAX_LENGTH:
        raise AccountError(f"Keep comments under {MAX_LENGTH:,} characters.", "body")
    return body


def add_comment(
    conn: Connection,
    account: Account,
    paper_id: int,
    body: str,
    parent_id: int | None,
    now: datetime,
) -> int:
    body = _check_body(body)
    if parent_id is not None:
        parent = conn.execute(
            select(comments.c.paper_id, comments.c.parent_id).where(comments.c.id == parent_id)
        ).first()
        if parent is None or parent.paper_id != paper_id:
            raise AccountError("That comment does not exist on this paper.", "parent")
        parent_id = parent.parent_id or parent_id  # one level: a reply to a reply joins its thread
    return conn.execute(
        insert(comments)
        .values(
            paper_id=paper_id, user_id=account.id, parent_id=parent_id, body=body, created_at=now
        )
        .returning(comments.c.id)
    ).scalar_one()


def _own(conn: Connection, account: Account, comment_id: int) -> Any:
    row = conn.execute(select(comments).where(comments.c.id == comment_id)).first()
    if row is None or row.deleted_at is not None:
        raise LookupError("no such comment")
    if row.user_id != account.id:
        raise PermissionError("only its author can change a comment")
    return row


def edit_comment(
    conn: Connection, account: Account, comment_id: int, body: str, now: datetime
) -> int:
    row = _own(conn, account, comment_id)
    conn.execute(
        update(comments)
        .where(comments.c.id == comment_id)
        .values(body=_check_body(body), edited_at=now)
    )
    return int(row.paper_id)


def delete_comment(conn: Connection, account: Account, comment_id: int, now: datetime) -> int:
    row = _own(conn, account, comment_id)
    conn.execute(update(comments).where(comments.c.id == comment_id).values(deleted_at=now))
    return int(row.paper_id)


def moderate(conn: Connection, account: Account, comment_id: int, hide: bool, now: datetime) -> int:
    if not account.is_moderator:
        raise PermissionError("only moderators hide comments")
    row = conn.execute(select(comments.c.paper_id).where(comments.c.id == comment_id)).first()
    if row is None:
        raise LookupError("no such comment")
    conn.execute(
        update(comments).where(comments.c.id == comment_id).values(hidden_at=now if hide else None)
    )
    return int(row.paper_id)


def thread(conn: Connection, paper_id: int) -> list[CommentView]:
    """Top-level comments, oldest first, each with its replies."""
    rows = conn.execute(
        select(comments, users.c.display_name)
        .outerjoin(users, users.c.id == comments.c.user_id)
        .where(comments.c.paper_id == paper_id)
        .order_by(comments.c.created_at, comments.c.id)
    ).all()
    views: dict[int, CommentView] = {}
    top: list[CommentView] = []
    for r in rows:
        view = CommentView(
            id=r.id,
            user_id=r.user_id,
            author=r.display_name or "a deleted account",
            body=r.body,
            html=render_markdown(r.body),
            created_at=r.created_at,
            edited=r.edited_at is not None,
            hidden=r.hidden_at is not None,
            deleted=r.deleted_at is not None,
        )
        views[r.id] = view
        parent = views.get(r.parent_id) if r.parent_id else None
        (parent.replies if parent else top).append(view)
    return top


def comment_counts(conn: Connection, paper_ids: list[int]) -> dict[int, int]:
    """Visible comments per paper."""
    if not paper_ids:
        return {}
    rows = conn.execute(
        select(comments.c.paper_id, func.count())
        .where(
            comments.c.paper_id.in_(paper_ids),
            comments.c.hidden_at.is_(None),
            comments.c.deleted_at.is_(None),
        )
        .group_by(comments.c.paper_id)
    )
    return {r[0]: r[1] for r in rows}
