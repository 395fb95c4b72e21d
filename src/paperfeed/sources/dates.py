"""Dates from arXiv's formats, and the announcement day of a submission."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

ARXIV_TZ = ZoneInfo("America/New_York")
CUTOFF = time(14, 0)  # submissions received by 14:00 ET go out that evening
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}


def parse_rfc822(text: str) -> datetime:
    """'Mon, 3 Aug 2026 17:59:00 GMT' -> aware UTC datetime (fast path, then the email parser)."""
    parts = text.split()
    try:
        if len(parts) == 6 and parts[5] in ("GMT", "UTC", "+0000"):
            hh, mm, ss = parts[4].split(":")
            return datetime(
                int(parts[3]),
                _MONTHS[parts[2]],
                int(parts[1]),
                int(hh),
                int(mm),
                int(ss),
                tzinfo=UTC,
            )
    except (KeyError, ValueError):
        pass
    parsed = parsedate_to_datetime(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_iso(text: str) -> datetime:
    """ISO 8601 date or datetime -> aware UTC datetime (a bare date is taken as midnight UTC)."""
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def announcement_date(submitted: datetime) -> date:
    """The listing day of arXiv's announcement that first carried a submission.

    arXiv takes submissions until 14:00 ET Monday to Friday and announces them at
    20:00 ET the same day (Friday's are announced Sunday evening); each announcement is
    dated the next day, as its RSS pubDate and listing pages are. Holidays are not modelled.
    """
    utc = submitted.astimezone(UTC)
    return _announcement_of_hour(utc.year, utc.month, utc.day, utc.hour)


@lru_cache(maxsize=65536)
def _announcement_of_hour(year: int, month: int, day_of_month: int, hour: int) -> date:
    """The cutoff (14:00 ET) and every UTC offset of New York since 1883 fall on whole
    hours, so the announcement day depends only on the UTC date and hour: once per hour."""
    local = datetime(year, month, day_of_month, hour, tzinfo=UTC).astimezone(ARXIV_TZ)
    day = local.date()
    if local.time() >= CUTOFF:
        day += timedelta(days=1)
    while day.weekday() >= 5:  # Saturday, Sunday: wait for Monday's cutoff
        day += timedelta(days=1)
    if day.weekday() == 4:  # Friday's cutoff is announced Sunday evening, dated Monday
        return day + timedelta(days=3)
    return day + timedelta(days=1)


def announcement_date_of_day(day: date) -> date:
    """Announcement day when only the submission date is known (taken as before the cutoff)."""
    noon = datetime.combine(day, time(12, 0), tzinfo=ARXIV_TZ)
    return announcement_date(noon)
