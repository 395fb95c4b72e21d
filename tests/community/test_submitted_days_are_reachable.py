"""A day that has papers only through a member's submission is on the navigation: the
default list is the current one (with today's submissions), and Previous/Next reach it."""

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from tests import records as R
from tests.community.conftest import Inbox, csrf, sign_up
from tests.standin import ArxivStandIn


def _next(page: str) -> str | None:
    found = re.search(r'rel="next" href="([^"?]+)', page)
    return found.group(1) if found else None


def test_the_submission_day_is_the_default_and_reachable(
    client: TestClient, inbox: Inbox, standin: ArxivStandIn, filled_papers: None
) -> None:
    recent = datetime.now(UTC) - timedelta(days=3)
    standin.records = [R.Rec(id="2611.04244", title="Reachable submission", versions=[recent])]
    sign_up(client, inbox, "alice@example.org", "Alice")
    r = client.post("/submit", data={"paper": "2611.04244", "csrf_token": csrf(client)})
    assert r.status_code == 200
    today = datetime.now(UTC).date().isoformat()
    latest = client.get("/papers").text
    assert "Reachable submission" in latest  # the default list: today, with the submission
    latest_json = client.get("/papers.json").json()
    assert latest_json["papers"][0]["arxiv_id"] == "2611.04244"
    # from the last harvested day, Next leads on to the submission's day
    day = "/papers/date/2026-08-07"
    seen = []
    while day and len(seen) < 10:
        seen.append(day)
        day = _next(client.get(day).text)
    assert seen[-1] == f"/papers/date/{today}", seen
