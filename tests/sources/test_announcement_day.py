from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from paperfeed.sources.dates import announcement_date, parse_rfc822


@pytest.mark.parametrize(
    ("submitted_utc", "listed"),
    [
        # Monday 13:59 EDT: before the cutoff, announced Monday evening, listed Tuesday
        (datetime(2026, 8, 3, 17, 59, tzinfo=UTC), date(2026, 8, 4)),
        # Monday 14:01 EDT: after the cutoff, listed Wednesday
        (datetime(2026, 8, 3, 18, 1, tzinfo=UTC), date(2026, 8, 5)),
        # Thursday after the cutoff: Friday's batch, announced Sunday, listed Monday
        (datetime(2026, 8, 6, 19, 0, tzinfo=UTC), date(2026, 8, 10)),
        # Friday after the cutoff and Saturday: Monday's batch, listed Tuesday
        (datetime(2026, 8, 7, 19, 0, tzinfo=UTC), date(2026, 8, 11)),
        (datetime(2026, 8, 8, 12, 0, tzinfo=UTC), date(2026, 8, 11)),
        # Winter time (EST, UTC-5): 18:30 UTC is 13:30 EST, before the cutoff
        (datetime(2026, 1, 12, 18, 30, tzinfo=UTC), date(2026, 1, 13)),
        # the cutoff to the second, the Monday after the switch to summer time (8 March)
        (datetime(2026, 3, 9, 17, 59, 59, tzinfo=UTC), date(2026, 3, 10)),
        (datetime(2026, 3, 9, 18, 0, 0, tzinfo=UTC), date(2026, 3, 11)),
        # the Friday before it, still winter time: 19:00 UTC is 14:00 EST
        (datetime(2026, 3, 6, 18, 59, 59, tzinfo=UTC), date(2026, 3, 9)),
        (datetime(2026, 3, 6, 19, 0, 0, tzinfo=UTC), date(2026, 3, 10)),
        # an offset other than UTC: 20:30+02:00 is 18:30 UTC, 13:30 EST
        (datetime(2026, 1, 12, 20, 30, tzinfo=timezone(timedelta(hours=2))), date(2026, 1, 13)),
    ],
)
def test_announcement_day_follows_arxiv_schedule(submitted_utc: datetime, listed: date) -> None:
    assert announcement_date(submitted_utc) == listed


def test_rfc822_dates_from_arxiv_are_utc() -> None:
    assert parse_rfc822("Mon, 3 Aug 2026 17:59:00 GMT") == datetime(2026, 8, 3, 17, 59, tzinfo=UTC)
    assert parse_rfc822("Tue, 03 Apr 2007 22:04:11 +0000") == datetime(
        2007, 4, 3, 22, 4, 11, tzinfo=UTC
    )
