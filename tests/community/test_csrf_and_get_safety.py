"""Every state change needs a POST with the CSRF token; GET never changes anything."""

from fastapi.testclient import TestClient

from tests.community.conftest import Inbox, csrf, sign_up


def test_post_without_or_with_wrong_token_is_refused(client: TestClient, inbox: Inbox) -> None:
    r = client.post("/signup", data={"email": "a@example.org", "password": "x" * 12})
    assert r.status_code == 403 and "reload the page" in r.text
    csrf(client)
    r = client.post(
        "/signup", data={"email": "a@example.org", "password": "x" * 12, "csrf_token": "forged" * 7}
    )
    assert r.status_code == 403
    assert inbox.to("a@example.org", wait=0.3) == []


def test_get_on_write_routes_changes_nothing(
    client: TestClient, inbox: Inbox, filled_papers: None
) -> None:
    sign_up(client, inbox, "alice@example.org")
    assert client.get("/papers/2608.00001/vote").status_code in (404, 405)
    assert client.get("/papers/2608.00001.json").json()["upvotes"] == 0
    assert client.get("/logout").status_code in (404, 405)
    assert client.get("/account").status_code == 200
