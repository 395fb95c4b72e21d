"""Personal API tokens: created and revoked in account settings, shown once, stored hashed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Table, insert, select, update

from paperfeed.community.accounts import Account, AccountError, _account, users
from paperfeed.community.models import ApiToken
from paperfeed.community.tokens import token_hash

api_tokens = cast(Table, ApiToken.__table__)
PREFIX = "pf_"
MAX_TOKENS = 20


@dataclass
class TokenInfo:
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


def create_token(conn: Connection, account: Account, name: str, now: datetime) -> str:
    """A new token; the raw value is returned once and never stored."""
    name = " ".join(name.split())[:80] or "API token"
    if len(list_tokens(conn, account)) >= MAX_TOKENS:
        raise AccountError(f"At most {MAX_TOKENS} tokens: revoke one first.", "name")
    raw = PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        insert(api_tokens).values(
            user_id=account.id, name=name, token_hash=token_hash(raw), created_at=now
        )
    )
    return raw


def list_tokens(conn: Connection, account: Account) -> list[TokenInfo]:
    rows = conn.execute(
        select(
            api_tokens.c.id, api_tokens.c.name, api_tokens.c.created_at, api_tokens.c.last_used_at
        )
        .where(api_tokens.c.user_id == account.id, api_tokens.c.revoked_at.is_(None))
        .order_by(api_tokens.c.created_at)
    )
    return [TokenInfo(*r) for r in rows]


def revoke_token(conn: Connection, account: Account, token_id: int, now: datetime) -> bool:
    result = conn.execute(
        update(api_tokens)
        .where(
            api_tokens.c.id == token_id,
            api_tokens.c.user_id == account.id,
            api_tokens.c.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    return result.rowcount == 1


def token_account(conn: Connection, raw: str, now: datetime) -> Account | None:
    """The account of a live token (and note its use), or None."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    row = conn.execute(
        select(users, api_tokens.c.id.label("token_id"))
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.token_hash == token_hash(raw), api_tokens.c.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    conn.execute(update(api_tokens).where(api_tokens.c.id == row.token_id).values(last_used_at=now))
    return _account(row)
