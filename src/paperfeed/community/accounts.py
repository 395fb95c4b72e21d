"""Accounts: sign up, verify, log in, reset, delete. Services never commit; emails go out after."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from paperfeed.community import tokens
from paperfeed.community.models import ROLES, ApiToken, EmailToken, LoginSession, User
from paperfeed.community.passwords import check_password, hash_password, password_problem
from paperfeed.email.message import Message, render

users = cast(Table, User.__table__)
sessions = cast(Table, LoginSession.__table__)
email_tokens = cast(Table, EmailToken.__table__)
api_tokens = cast(Table, ApiToken.__table__)
SESSION_DAYS = 30
TOKEN_HOURS = {"verify": 72, "reset": 2}
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


class AccountError(ValueError):
    """A problem to show the person, next to the field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Account:
    id: int
    email: str
    display_name: str
    role: str
    verified: bool
    marks_version: int = 0  # moves with each of their votes and saves

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")


def _account(row: Any) -> Account:
    return Account(
        row.id,
        row.email,
        row.display_name,
        row.role,
        row.email_verified_at is not None,
        row.marks_version,
    )


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > 320 or not _EMAIL.match(email):
        raise AccountError("That is not an email address.", "email")
    return email


def signup(
    conn: Connection, *, email: str, password: str, display_name: str, base_url: str, now: datetime
) -> list[Message]:
    """Create an unverified account and email a link; an address already used gets a
    notice instead, so the page looks the same either way (no account enumeration)."""
    email = normalise_email(email)
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")
    name = " ".join(display_name.split())[:80] or email.split("@")[0]
    # the password is hashed on both paths: the hash is most of a sign-up's time, and a
    # faster answer for a known address would tell who has an account
    password_hash = hash_password(password)
    existing = conn.execute(select(users.c.id).where(users.c.email == email)).first()
    if existing:
        return [render("account_exists", email, base_url=base_url)]
    user_id = conn.execute(
        insert(users)
        .values(
            email=email,
            display_name=name,
            password_hash=password_hash,
            role="user",
            created_at=now,
        )
        .returning(users.c.id)
    ).scalar_one()
    return [verification_email(conn, user_id, email, base_url, now)]


def verification_email(
    conn: Connection, user_id: int, email: str, base_url: str, now: datetime
) -> Message:
    raw = _email_token(conn, user_id, "verify", now)
    return render("verify", email, link=f"{base_url}/verify?token={raw}", base_url=base_url)


def _email_token(conn: Connection, user_id: int, purpose: str, now: datetime) -> str:
    raw, digest = tokens.new_token()
    conn.execute(
        insert(email_tokens).values(
            token_hash=digest,
            user_id=user_id,
            purpose=purpose,
            expires_at=now + timedelta(hours=TOKEN_HOURS[purpose]),
        )
    )
    return raw


def use_token(conn: Connection, raw: str, purpose: str, now: datetime) -> int | None:
    """Spend a single-use email token; the user id, or None when unknown, used or expired.

    The conditional UPDATE is what makes it single-use, even under concurrent clicks."""
    digest = tokens.token_hash(raw)
    row = conn.execute(
        update(email_tokens)
        .where(
            email_tokens.c.token_hash == digest,
            email_tokens.c.purpose == purpose,
            email_tokens.c.used_at.is_(None),
            email_tokens.c.expires_at > now,
        )
        .values(used_at=now)
        .returning(email_tokens.c.user_id)
    ).first()
    return row[0] if row else None


def verify_email(conn: Connection, raw: str, now: datetime) -> int | None:
    user_id = use_token(conn, raw, "verify", now)
    if user_id is not None:
        conn.execute(
            update(users)
            .where(users.c.id == user_id, users.c.email_verified_at.is_(None))
            .values(email_verified_at=now)
        )
    return user_id


def authenticate(conn: Connection, email: str, password: str) -> Account | None:
    try:
        email = normalise_email(email)
    except AccountError:
        check_password(None, password)  # same time as a wrong password
        return None
    row = conn.execute(select(users).where(users.c.email == email)).first()
    if not check_password(row.password_hash if row else None, password):
        return None
    return _account(row)


def start_session(conn: Connection, user_id: int, now: datetime) -> str:
    raw, digest = tokens.new_token()
    conn.execute(
        insert(sessions).values(
            token_hash=digest,
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(days=SESSION_DAYS),
        )
    )
    return raw


def end_session(conn: Connection, raw: str) -> None:
    conn.execute(delete(sessions).where(sessions.c.token_hash == tokens.token_hash(raw)))


# built once: asked on every request that carries a session cookie
_SESSION_ACCOUNT = (
    select(users)
    .join(sessions, sessions.c.user_id == users.c.id)
    .where(
        sessions.c.token_hash == bindparam("token_hash"),
        sessions.c.expires_at > bindparam("now", type_=sessions.c.expires_at.type),
    )
)


def session_account(conn: Connection, raw: str, now: datetime) -> Account | None:
    found = {"token_hash": tokens.token_hash(raw), "now": now}
    row = conn.execute(_SESSION_ACCOUNT, found).first()
    return _account(row) if row else None


def request_reset(conn: Connection, email: str, base_url: str, now: datetime) -> list[Message]:
    """A reset link when the account exists; nothing otherwise (the page says the same)."""
    try:
        email = normalise_email(email)
    except AccountError:
        return []
    row = conn.execute(select(users.c.id).where(users.c.email == email)).first()
    if row is None:
        tokens.new_token()  # the same work as for an account (the mail leaves after the answer)
        return []
    raw = _email_token(conn, row.id, "reset", now)
    return [
        render("reset", email, link=f"{base_url}/password/reset?token={raw}", base_url=base_url)
    ]


def reset_password(conn: Connection, raw: str, password: str, now: datetime) -> int:
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")
    user_id = use_token(conn, raw, "reset", now)
    if user_id is None:
        raise AccountError("This reset link is unknown, used or expired: ask for a new one.")
    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(password_hash=hash_password(password), email_verified_at=now)
    )  # the link proved the address
    end_other_credentials(conn, user_id, now)  # log out everywhere, older links dead
    return user_id


def end_other_credentials(
    conn: Connection, user_id: int, now: datetime, keep_session: str | None = None
) -> None:
    """After a password change or reset: every session but `keep_session` (a raw token)
    ends, API tokens are revoked and unused reset links stop working."""
    gone = delete(sessions).where(sessions.c.user_id == user_id)
    if keep_session:
        gone = gone.where(sessions.c.token_hash != tokens.token_hash(keep_session))
    conn.execute(gone)
    conn.execute(
        update(api_tokens)
        .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    conn.execute(
        update(email_tokens)
        .where(
            email_tokens.c.user_id == user_id,
            email_tokens.c.purpose == "reset",
            email_tokens.c.used_at.is_(None),
        )
        .values(used_at=now)
    )


def change_settings(conn: Connection, account: Account, *, display_name: str) -> None:
    name = " ".join(display_name.split())[:80]
    if not name:
        raise AccountError("A display name cannot be empty.", "display_name")
    conn.execute(update(users).where(users.c.id == account.id).values(display_name=name))


def change_password(
    conn: Connection,
    account: Account,
    current: str,
    new: str,
    *,
    now: datetime,
    keep_session: str | None = None,
) -> None:
    """A new password; every other session, API token and reset link stops working."""
    row = conn.execute(select(users.c.password_hash).where(users.c.id == account.id)).one()
    if not check_password(row.password_hash, current):
        raise AccountError("The current password is wrong.", "current_password")
    problem = password_problem(new)
    if problem:
        raise AccountError(problem, "new_password")
    conn.execute(
        update(users).where(users.c.id == account.id).values(password_hash=hash_password(new))
    )
    end_other_credentials(conn, account.id, now, keep_session)


def delete_account(conn: Connection, account: Account) -> None:
    """Votes, sessions and tokens go with the account; comments and submissions stay,
    shown as by "a deleted account" (their author link is set to NULL)."""
    conn.execute(delete(users).where(users.c.id == account.id))


def create_admin(conn: Connection, email: str, password: str, now: datetime) -> None:
    email = normalise_email(email)
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")
    existing = conn.execute(select(users.c.id).where(users.c.email == email)).first()
    values = {"role": "admin", "email_verified_at": now, "password_hash": hash_password(password)}
    if existing:
        conn.execute(update(users).where(users.c.id == existing.id).values(values))
    else:
        conn.execute(
            insert(users).values(
                email=email, display_name=email.split("@")[0], created_at=now, **values
            )
        )


def set_role(conn: Connection, email: str, role: str) -> bool:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    result = conn.execute(
        update(users).where(users.c.email == normalise_email(email)).values(role=role)
    )
    return result.rowcount == 1


def now_utc() -> datetime:
    return datetime.now(UTC)
