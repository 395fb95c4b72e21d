"""Submissions: an unreachable or failing arXiv is the upstream's failure (503 / 502), not the
member's; a submitted paper is on its submission day's list only; a paper arXiv gives no
date for is refused with the reason, not waved past the age limit."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests import records as R
from tests.community.conftest import Inbox, csrf, sign_up
from tests.standin import ArxivStandIn, Canned


def _token(client: TestClient) -> dict[str, str]:
    r = client.post("/account/tokens", data={"name": "t", "csrf_token": csrf(client)})
    found = re.search(r'<code class="token">(pf_[\w-]+)</code>', r.text)
    assert found, r.text
    return {"Authorization": f"Bearer {found.group(1)}"}


def test_upstream_failures_are_502_and_503(
    client: TestClient, inbox: Inbox, standin: ArxivStandIn
) -> None:
    sign_up(client, inbox, "ann@example.org", "Ann")
    auth = _token(client)
    standin.queue.extend([Canned(503, "busy", {"Retry-After": "0"})] * 10)
    r = client.post("/api/papers/index", json={"arxivId": "2611.04001"}, headers=auth)
    assert r.status_code == 503 and "cannot be reached" in r.json()["error"]
    standin.queue.clear()
    standin.queue.append(Canned(200, R.atom_error("incorrect id format for 2611.04001")))
    r = client.post("/api/papers/index", json={"arxivId": "2611.04001"}, headers=auth)
    assert r.status_code == 502 and "answered with an error" in r.json()["error"]
    r = client.post("/api/papers/index", json={"arxivId": "2611.04099"}, headers=auth)
    assert r.status_code == 404  # arXiv answered: there is no such paper


def test_a_submission_is_on_one_day_only(
    client: TestClient, inbox: Inbox, standin: ArxivStandIn
) -> None:
    recent = datetime.now(UTC) - timedelta(days=4)
    standin.records = [R.Rec(id="2611.04002", title="One day only", versions=[recent])]
    sign_up(client, inbox, "bo@example.org", "Bo")
    client.post("/submit", data={"paper": "2611.04002", "csrf_token": csrf(client)})
    announced = client.get("/papers/2611.04002.json").json()["feed_date"]
    today = datetime.now(UTC).date().isoformat()
    assert announced != today
    on = [p["arxiv_id"] for p in client.get(f"/papers/date/{today}.json").json()["papers"]]
    off = [p["arxiv_id"] for p in client.get(f"/papers/date/{announced}.json").json()["papers"]]
    assert on == ["2611.04002"] and "2611.04002" not in off
    # the announcement day lists nothing now, so no navigation leads to it
    assert client.get(f"/papers/date/{today}.json").json()["prev_url"] is None


def test_a_paper_without_a_date_is_refused_with_the_reason(
    client: TestClient, inbox: Inbox, standin: ArxivStandIn, engine: Engine
) -> None:
    standin.records = [R.Rec(id="2611.04003", title="Undated", versions=[datetime.now(UTC)])]
    sign_up(client, inbox, "cy@example.org", "Cy")
    auth = _token(client)
    client.get("/papers/2611.04003")  # not stored yet
    client.post("/api/papers/index", json={"arxivId": "2611.04003"}, headers=auth)
    with engine.begin() as conn:  # as a record without dates would be stored
        conn.execute(text("DELETE FROM submissions"))
        conn.execute(
            text("UPDATE papers SET published_at = NULL, updated_at = NULL, versions = '[]'")
        )
    r = client.post("/api/papers/index", json={"arxivId": "2611.04003"}, headers=auth)
    assert r.status_code == 403 and "no date" in r.json()["error"]
