"""Signed, expiring tokens for the links in digest emails (confirm, manage, unsubscribe).

Nothing to store: the token names the subscription and the purpose, signed with the
instance's secret; a manage or unsubscribe link keeps working for TOKEN_DAYS.
"""

from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

if TYPE_CHECKING:
    from paperfeed.config import Settings

CONFIRM_DAYS = 7
TOKEN_DAYS = 120  # a digest's links outlive a few missed weeks
PURPOSES = ("confirm", "manage", "unsubscribe")


class BadToken(Exception):
    """The link is damaged, for another purpose, or expired (the message says which)."""


def signing_secret(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "secret.key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key


def _serializer(settings: Settings, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(signing_secret(settings), salt=f"paperfeed-digest-{purpose}")


def make_token(settings: Settings, purpose: str, subscription_id: int, email: str) -> str:
    return _serializer(settings, purpose).dumps([subscription_id, email])


def read_token(settings: Settings, purpose: str, token: str) -> tuple[int, str]:
    days = CONFIRM_DAYS if purpose == "confirm" else TOKEN_DAYS
    try:
        sub_id, email = _serializer(settings, purpose).loads(token, max_age=days * 86400)
    except SignatureExpired as exc:
        raise BadToken("This link has expired.") from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise BadToken("This link is not valid (damaged or incomplete).") from exc
    return int(sub_id), str(email)
