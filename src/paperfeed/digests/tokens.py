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
    from pathlib import Path

    from paperfeed.config import Settings

CONFIRM_DAYS = 7
TOKEN_DAYS = 120  # a digest's links outlive a few missed weeks
PURPOSES = ("confirm", "manage", "unsubscribe")


class BadToken(Exception):
    """The link is damaged, for another purpose, or expired (the message says which)."""


MIN_SECRET = 32  # characters


class WeakSecret(RuntimeError):
    """The signing key is empty or too short to sign anything with."""


def signing_secret(settings: Settings) -> str:
    """PAPERFEED_SECRET_KEY, or DATA_DIR/secret.key, made on first use: written whole to a
    file of its own, then linked into place (atomic, and only one of concurrent first uses
    wins; the others read the winner's key). An empty or short key is refused, never used."""
    key = settings.secret_key
    if key is None:
        path = settings.data_dir / "secret.key"
        if not path.exists():
            _create_key(path)
        key = path.read_text().strip()
    if len(key) < MIN_SECRET:
        where = "PAPERFEED_SECRET_KEY" if settings.secret_key is not None else "DATA_DIR/secret.key"
        raise WeakSecret(
            f"{where} holds {len(key)} characters; at least {MIN_SECRET} are needed "
            "(delete the file to have a new key made, or set a longer one)."
        )
    return key


def _create_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".secret.key.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(32))
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(tmp, path)  # fails if another process made it first: theirs is kept
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


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
