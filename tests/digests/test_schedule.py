"""When digests are due: publishing days, time zones, daylight-saving changes, frozen time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import Engine

from paperfeed.digests.delivery import plan_due
from paperfeed.digests.models import Subscription
from paperfeed.digests.schedule import due_period, period_days
from tests.digests.conftest import add_subscribers


def _sub(**fields: object) -> Subscription:
    values = {"frequency": "daily", "weekday": 0, "hour": 8, "timezone": "UTC", **fields}
    return Subscription(**values)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_daily_on_publishing_days_only() -> None:
    sub = _sub()
    assert due_period(sub, at("2026-11-27 08:00")) == "daily:2026-11-27"  # Friday
    assert due_period(sub, at("2026-11-27 07:59")) is None  # before the hour
    assert due_period(sub, at("2026-11-28 09:00")) is None  # Saturday
    assert due_period(sub, at("2026-11-29 09:00")) is None  # Sunday
    assert due_period(sub, at("2026-11-30 08:30")) == "daily:2026-11-30"  # Monday


def test_weekly_on_its_weekday_covers_seven_days() -> None:
    sub = _sub(frequency="weekly", weekday=6, hour=18)  # Sunday evening
    assert due_period(sub, at("2026-11-28 18:00")) is None
    assert due_period(sub, at("2026-11-29 18:05")) == "weekly:2026-11-29"
    start, end = period_days("weekly:2026-11-29")
    assert (start.isoformat(), end.isoformat()) == ("2026-11-23", "2026-11-29")


def test_local_hour_in_the_subscribers_zone() -> None:
    paris = _sub(timezone="Europe/Paris")  # UTC+1 in winter, +2 in summer
    assert due_period(paris, at("2026-12-01 06:59")) is None
    assert due_period(paris, at("2026-12-01 07:00")) == "daily:2026-12-01"
    assert due_period(paris, at("2026-07-01 06:00")) == "daily:2026-07-01"
    tokyo = _sub(timezone="Asia/Tokyo", hour=7)  # Monday 07:00 in Tokyo is Sunday 22:00 UTC
    assert due_period(tokyo, at("2026-11-29 22:00")) == "daily:2026-11-30"


@pytest.mark.parametrize(
    ("utc", "due"),
    [
        ("2026-03-01 12:30", None),  # 07:30 EST: not yet
        ("2026-03-01 13:00", "weekly:2026-03-01"),  # 08:00 EST
        ("2026-03-08 12:00", "weekly:2026-03-08"),  # 08:00 EDT: clocks went forward
        ("2026-03-08 11:59", None),
        ("2026-11-01 13:00", "weekly:2026-11-01"),  # 08:00 EST again: clocks went back
        ("2026-11-01 12:30", None),  # 07:30 EST
    ],
)
def test_wall_clock_hour_survives_daylight_saving(utc: str, due: str | None) -> None:
    sub = _sub(frequency="weekly", weekday=6, timezone="America/New_York")
    assert due_period(sub, at(utc)) == due


def test_an_hour_skipped_by_the_spring_change_is_due_just_after() -> None:
    sub = _sub(frequency="weekly", weekday=6, hour=2, timezone="America/New_York")
    assert due_period(sub, at("2026-03-08 06:59")) is None  # 01:59 EST
    assert due_period(sub, at("2026-03-08 07:00")) == "weekly:2026-03-08"  # 03:00 EDT


def test_the_repeated_autumn_hour_plans_one_digest(engine: Engine) -> None:
    add_subscribers(
        engine,
        ["owl@example.org"],
        frequency="weekly",
        weekday=6,
        hour=1,
        timezone="America/New_York",
    )
    assert plan_due(engine, at("2026-11-01 05:30")) == 1  # 01:30 EDT
    assert plan_due(engine, at("2026-11-01 06:30")) == 0  # 01:30 EST, the same local day


def test_planning_with_the_clock_frozen(engine: Engine) -> None:
    add_subscribers(engine, ["a@example.org", "b@example.org"])
    with time_machine.travel(at("2026-11-28 10:00"), tick=False):  # a Saturday
        assert plan_due(engine) == 0
    with time_machine.travel(at("2026-11-30 08:00"), tick=False):  # Monday, the hour
        assert plan_due(engine) == 2
        assert plan_due(engine) == 0
