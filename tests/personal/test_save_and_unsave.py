"""Saving a paper: PUT/DELETE /api/library/{id} from the page (session + CSRF header) or with a
token; the star on every page shows it; nothing changes without the CSRF token."""

from fastapi.testclient import TestClient

from tests.personal.conftest import headers


def test_save_unsave_and_the_star(member: TestClient, corpus: list) -> None:
    h = headers(member)
    r = member.put("/api/library/2611.00101", headers=h)
    assert r.status_code == 200 and r.json() == {"id": "2611.00101", "saved": True}
    assert member.put("/api/library/arXiv:2611.00101v1", headers=h).json()["saved"]  # idempotent
    assert [p["id"] for p in member.get("/api/library").json()] == ["2611.00101"]
    page = member.get("/papers/2611.00101").text
    assert 'data-toggle-url="/api/library/2611.00101"' in page and 'aria-pressed="true"' in page
    day = member.get("/papers/date/2026-11-24").text
    assert day.count("save-btn saved") == 1
    assert member.delete("/api/library/2611.00101", headers=h).json() == {
        "id": "2611.00101",
        "saved": False,
    }
    assert member.get("/api/library").json() == []


def test_refused_without_csrf_or_account(member: TestClient, corpus: list) -> None:
    assert member.put("/api/library/2611.00101").status_code == 403
    assert member.get("/api/library").json() == []
    assert member.put("/api/library/2611.99999", headers=headers(member)).status_code == 404
    member.cookies.clear()
    r = member.put("/api/library/2611.00101", headers=headers(member))
    assert r.status_code == 401 and "Log in" in r.json()["error"]


def test_with_an_api_token(member: TestClient, corpus: list) -> None:
    r = member.post(
        "/account/tokens", data={"name": "script", "csrf_token": headers(member)["X-CSRF-Token"]}
    )
    token = r.text.split('class="token">')[1].split("<")[0]
    member.cookies.clear()
    auth = {"Authorization": f"Bearer {token}"}
    assert member.put("/api/library/2611.00201", headers=auth).json()["saved"] is True
    assert [p["id"] for p in member.get("/api/library", headers=auth).json()] == ["2611.00201"]
