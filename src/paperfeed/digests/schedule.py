"""When a subscription's digest is due, in the subscriber's own time zone.

Daily digests go out on the days arXiv publishes new lists (Monday to Friday: it announces
Sunday to Thursday evenings, US Eastern), weekly ones on the chosen weekday; both at the
chosen local hour or the first run of the scheduler after it. Wall-clock hours survive
daylight-saving changes (8:00 stays 8:00); an hour skipped by the spring change is due at
the first hour after it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from paperfeed.digests.models import Subscription

PUBLISHING_DAYS = range(5)  # Monday..Friday


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_now(sub: Subscription, now: datetime) -> datetime:
    return now.astimezone(zone(sub.timezone))


def due_period(sub: Subscription, now: datetime) -> str | None:
    """The period whose digest is due now ('daily:2026-11-26', 'weekly:2026-11-26': named
    by the local day it is for), or None."""
    local = local_now(sub, now)
    if local.hour < sub.hour:
        return None
    if sub.frequency == "weekly":
        if local.weekday() != sub.weekday:
            return None
        return f"weekly:{local.date().isoformat()}"
    if local.weekday() not in PUBLISHING_DAYS:
        return None
    return f"daily:{local.date().isoformat()}"


def period_days(period: str) -> tuple[date, date]:
    """The feed days a period's digest covers (a weekly one: the 7 days up to its day)."""
    kind, _, value = period.partition(":")
    day = date.fromisoformat(value)
    return (day - timedelta(days=6), day) if kind == "weekly" else (day, day)
