"""Opening the account's digest page subscribes nobody: it shows the choice, and only its
POST (with the CSRF token) creates the subscription; afterwards it leads to the digest."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from paperfeed.digests.models import Subscription
from tests.community.conftest import Inbox, csrf, sign_up


def _subscriptions(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(Subscription.email, Subscription.frequency)).all()
    return [(r[0], r[1]) for r in rows]


def test_get_shows_the_form_and_post_subscribes(
    client: TestClient, inbox: Inbox, engine: Engine
) -> None:
    sign_up(client, inbox, "nora@example.org", "Nora")
    page = client.get("/account/digest")
    assert page.status_code == 200 and 'action="/account/digest"' in page.text
    assert _subscriptions(engine) == []  # nothing chosen, nothing made
    assert client.post("/account/digest", data={"frequency": "weekly"}).status_code == 403
    r = client.post(
        "/account/digest",
        data={"frequency": "weekly", "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/digests/manage?token=")
    assert _subscriptions(engine) == [("nora@example.org", "weekly")]
    again = client.get("/account/digest", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/digests/manage")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Subscription)).scalar_one() == 1
