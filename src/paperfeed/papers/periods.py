"""Periods of the feed: a day (YYYY-MM-DD), an ISO week (YYYY-Www) or a month (YYYY-MM)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta


class BadPeriod(ValueError):
    pass


# The days a list may show: arXiv began in 1991; the bounds keep a period's neighbours (and
# their neighbours) inside what dates can hold, so no address can overflow a date.
FIRST_DAY = date(1900, 1, 1)
# The keys the routes accept, as patterns (years within FIRST_DAY..LAST_DAY).
YEAR = r"(19|2[0-9])[0-9]{2}"
DAY_KEY = rf"{YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
WEEK_KEY = rf"{YEAR}-W(0[1-9]|[1-4][0-9]|5[0-3])"
MONTH_KEY = rf"{YEAR}-(0[1-9]|1[0-2])"
LAST_DAY = date(2999, 12, 31)


@dataclass(frozen=True)
class Period:
    kind: str  # day | week | month
    start: date
    end: date

    @property
    def key(self) -> str:
        if self.kind == "day":
            return self.start.isoformat()
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return self.start.strftime("%Y-%m")

    @property
    def url(self) -> str:
        return f"/papers/{'date' if self.kind == 'day' else self.kind}/{self.key}"

    @property
    def label(self) -> str:
        if self.kind == "day":
            return self.start.strftime("%A, %-d %B %Y")
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return (
                f"Week {week}, {year} ({self.start.strftime('%-d %b')} – "
                f"{self.end.strftime('%-d %b')})"
            )
        return self.start.strftime("%B %Y")

    def shifted(self, steps: int) -> Period:
        if self.kind == "day":
            return day(self.start + timedelta(days=steps))
        if self.kind == "week":
            return week_of(self.start + timedelta(weeks=steps))
        y, m = divmod(self.start.year * 12 + self.start.month - 1 + steps, 12)
        return month(y, m + 1)


def day(value: date) -> Period:
    return Period("day", value, value)


def week_of(value: date) -> Period:
    start = value - timedelta(days=value.weekday())
    return Period("week", start, start + timedelta(days=6))


def month(year: int, mon: int) -> Period:
    start = date(year, mon, 1)
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    return Period("month", start, nxt - timedelta(days=1))


_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse(kind: str, text: str) -> Period:
    period = _parse(kind, text)
    if period.start < FIRST_DAY or period.end > LAST_DAY:
        raise BadPeriod(
            f"'{text}' is outside the days a list can show ({FIRST_DAY.year}–{LAST_DAY.year})"
        )
    return period


def _parse(kind: str, text: str) -> Period:
    try:
        if kind == "day":
            return (
                day(date.fromisoformat(text))
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)
                else _bad(f"'{text}' is not a date like 2026-11-24")
            )
        if kind == "week":
            m = _WEEK.match(text)
            if not m:
                return _bad(f"'{text}' is not an ISO week like 2026-W47")
            return week_of(date.fromisocalendar(int(m[1]), int(m[2]), 1))
        m = _MONTH.match(text)
        if not m:
            return _bad(f"'{text}' is not a month like 2026-11")
        return month(int(m[1]), int(m[2]))
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, BadPeriod):
            raise
        raise BadPeriod(f"'{text}' is not a valid {kind}: {exc}") from exc


def _bad(message: str) -> Period:
    raise BadPeriod(message)
