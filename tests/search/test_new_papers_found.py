"""A paper stored while the site runs (by any process) is found by the next search: the
search checks the outbox on its own connection and indexes what is queued first."""

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests import records as R
from tests.web.conftest import store

NEW = R.Rec(
    id="2608.20001",
    title="Zeppelin flight scheduling",
    abstract="Timetables for zeppelins.",
    versions=[datetime(2026, 8, 6, 12, 0, tzinfo=UTC)],
    categories="cs.DS",
)


def _ids(client: TestClient, **params: str) -> list[str]:
    r = client.get("/api/papers/search", params=params)
    assert r.status_code == 200, r.text
    return [item["paper"]["id"] for item in r.json()]


def test_a_paper_stored_after_start_is_found(topical_client: TestClient, topical: Engine) -> None:
    assert _ids(topical_client, q="zeppelin") == []
    store(topical, [NEW])
    assert _ids(topical_client, q="zeppelin") == ["2608.20001"]
    assert _ids(topical_client, q="zeppelin", sort="date") == ["2608.20001"]
    page = topical_client.get("/search", params={"q": "zeppelin flight"})
    assert page.status_code == 200 and "/papers/2608.20001" in page.text
