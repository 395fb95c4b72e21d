"""Subscribing (double opt-in), confirming, choosing what and when, unsubscribing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import select
from sqlalchemy.orm import Session

from paperfeed.digests.models import FREQUENCIES, Subscription
from paperfeed.digests.tokens import make_token
from paperfeed.email.message import Message, render
from paperfeed.search.query import CATEGORY

if TYPE_CHECKING:
    from paperfeed.config import Settings

EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")
MAX_LINES = 20


class DigestError(ValueError):
    """A form value that cannot be used; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def normal_email(text: str) -> str:
    email = text.strip().lower()
    if not EMAIL.match(email):
        raise DigestError("email", "That does not look like an email address.")
    return email


def subscription_of(session: Session, email: str) -> Subscription | None:
    """The subscription of this address, if any (nothing is created)."""
    try:
        email = normal_email(email)
    except DigestError:
        return None
    return session.scalars(select(Subscription).where(Subscription.email == email)).first()


def subscribe(
    session: Session,
    settings: Settings,
    email: str,
    now: datetime,
    *,
    user_id: int | None = None,
    confirmed: bool = False,
) -> tuple[Subscription, list[Message]]:
    """Create (or reopen) the subscription; unconfirmed ones get a confirmation email.
    The answer is the same whether the address was known or not."""
    email = normal_email(email)
    sub = session.scalars(select(Subscription).where(Subscription.email == email)).first()
    if sub is None:
        sub = Subscription(email=email, user_id=user_id, created_at=now)
        _defaults(sub)
        session.add(sub)
        session.flush()
    elif sub.unsubscribed_at is not None:
        sub.unsubscribed_at = None
        sub.confirmed_at = None
    if user_id is not None and sub.user_id is None:
        sub.user_id = user_id
    if confirmed and sub.confirmed_at is None:
        sub.confirmed_at = now
    if sub.confirmed_at is not None:
        return sub, []
    link = f"{settings.base_url.rstrip('/')}/digests/confirm?token=" + make_token(
        settings, "confirm", sub.id, sub.email
    )
    return sub, [render("digest_confirm", sub.email, link=link, site=settings.site_name)]


def _defaults(sub: Subscription) -> None:
    sub.frequency, sub.weekday, sub.hour, sub.timezone = "daily", 0, 8, "UTC"
    sub.max_papers, sub.trending, sub.skip_empty, sub.refusals = 10, True, True, 0
    sub.categories = sub.keywords = sub.authors = ""


def find(session: Session, sub_id: int, email: str) -> Subscription | None:
    sub = session.get(Subscription, sub_id)
    return sub if sub is not None and sub.email == email else None


def confirm(session: Session, sub_id: int, email: str, now: datetime) -> Subscription | None:
    sub = find(session, sub_id, email)
    if sub is None:
        return None
    if sub.confirmed_at is None or sub.unsubscribed_at is not None:
        sub.confirmed_at, sub.unsubscribed_at = now, None
    return sub


def unsubscribe(session: Session, sub_id: int, email: str, now: datetime) -> Subscription | None:
    sub = find(session, sub_id, email)
    if sub is not None and sub.unsubscribed_at is None:
        sub.unsubscribed_at = now
    return sub


@dataclass
class Preferences:
    frequency: str = "daily"
    weekday: int = 0
    hour: int = 8
    timezone: str = "UTC"
    max_papers: int = 10
    trending: bool = True
    categories: str = ""
    keywords: str = ""
    authors: str = ""
    skip_empty: bool = True


def update(sub: Subscription, prefs: Preferences) -> None:
    """Check every field (DigestError names the first wrong one), then apply them all."""
    if prefs.frequency not in FREQUENCIES:
        raise DigestError("frequency", "Choose daily or weekly.")
    if not 0 <= prefs.weekday <= 6:
        raise DigestError("weekday", "Choose a day of the week.")
    if not 0 <= prefs.hour <= 23:
        raise DigestError("hour", "The hour is 0 to 23.")
    if not valid_zone(prefs.timezone):
        raise DigestError(
            "timezone", f"'{prefs.timezone[:60]}' is not a time zone like Europe/Paris."
        )
    if not 1 <= prefs.max_papers <= 50:
        raise DigestError("max_papers", "Between 1 and 50 papers.")
    cats = prefs.categories.replace(",", " ").split()
    bad = [c for c in cats if not CATEGORY.match(c)]
    if bad:
        raise DigestError("categories", f"'{bad[0][:40]}' is not an arXiv category such as cs.LG.")
    keywords = _lines("keywords", prefs.keywords)
    authors = _lines("authors", prefs.authors)
    if not (prefs.trending or cats or keywords or authors):
        raise DigestError("trending", "Choose trending papers or at least one topic.")
    sub.frequency, sub.weekday, sub.hour = prefs.frequency, prefs.weekday, prefs.hour
    sub.timezone, sub.max_papers, sub.trending = prefs.timezone, prefs.max_papers, prefs.trending
    sub.categories, sub.keywords, sub.authors = " ".join(cats), keywords, authors
    sub.skip_empty = prefs.skip_empty


def _lines(field: str, text: str) -> str:
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    if len(lines) > MAX_LINES:
        raise DigestError(field, f"At most {MAX_LINES} lines.")
    long = [x for x in lines if len(x) > 200]
    if long:
        raise DigestError(field, "Each line at most 200 characters.")
    return "\n".join(lines)


def valid_zone(name: str) -> bool:
    if name not in _zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones() | {"UTC"})
    return _ZONES


def zone_names() -> list[str]:
    return sorted(_zones())
