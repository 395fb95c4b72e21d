"""From the subscribe box to one-click unsubscribe, over a real SMTP server."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.config import Settings
from paperfeed.digests.delivery import plan_due, send_pending
from tests.digests.conftest import FRIDAY_9, Inbox, csrf

ADDRESS = "reader@example.org"


def _path(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.path}?{parsed.query}"


def test_double_opt_in_then_digest_then_one_click_unsubscribe(
    client: TestClient,
    inbox: Inbox,
    engine: Engine,
    site_settings: Settings,
    filled_papers: None,
) -> None:
    r = client.post("/digests/subscribe", data={"email": ADDRESS, "csrf_token": csrf(client)})
    assert r.status_code == 200 and "Check your email" in r.text
    # nothing is planned before the address is confirmed
    assert plan_due(engine, FRIDAY_9) == 0
    confirm = inbox.link(ADDRESS, "/digests/confirm?token=")
    manage = client.get(_path(confirm), follow_redirects=False)
    assert manage.status_code == 303 and "/digests/manage?token=" in manage.headers["location"]
    page = client.get(manage.headers["location"])
    assert "Confirmed" in page.text
    form = {
        "token": manage.headers["location"].split("token=")[1].split("&")[0],
        "csrf_token": csrf(client),
        "frequency": "daily",
        "weekday": "0",
        "hour": "8",
        "timezone": "UTC",
        "max_papers": "5",
        "categories": "cs.CV",
        "keywords": "",
        "authors": "",
        "skip_empty": "1",
    }
    saved = client.post("/digests/manage", data=form, follow_redirects=False)
    assert saved.status_code == 303

    assert plan_due(engine, FRIDAY_9) == 1
    assert plan_due(engine, FRIDAY_9 + timedelta(hours=1)) == 0  # same period: planned once
    result = send_pending(engine, site_settings, clock=lambda: FRIDAY_9)
    assert result.sent == 1
    digests = [m for m in inbox.to(ADDRESS) if "digest:" in str(m["Subject"])]
    assert len(digests) == 1
    msg = digests[0]
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Friday paper" in text and "Friday paper" in html
    assert "Why: In cs.CV" in text and "https://arxiv.org/abs/2608.00004" in text
    assert "<script" not in html.lower() and 'style="' in html  # inline CSS, no JavaScript
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https_part, mailto_part = (p.strip(" <>") for p in str(msg["List-Unsubscribe"]).split(","))
    assert "/digests/unsubscribe?token=" in https_part and mailto_part.startswith("mailto:")
    assert "/digests/manage?token=" in text

    # RFC 8058: the mail client POSTs, with no cookie and no CSRF token
    bare = TestClient(client.app)
    r = bare.post(
        _path(https_part),
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200 and "no more digests" in r.text
    monday = FRIDAY_9 + timedelta(days=3)
    assert plan_due(engine, monday) == 0
    assert send_pending(engine, site_settings, clock=lambda: monday).sent == 0


def test_bad_links_and_bad_preferences_get_clear_messages(
    client: TestClient, engine: Engine, site_settings: Settings
) -> None:
    r = client.get("/digests/manage", params={"token": "not-a-token"})
    assert r.status_code == 400 and "not valid" in r.text
    r = client.post("/digests/unsubscribe", params={"token": "x.y.z"})
    assert r.status_code == 400 and "not valid" in r.text
    client.post("/digests/subscribe", data={"email": ADDRESS, "csrf_token": csrf(client)})
    from paperfeed.digests.tokens import make_token

    token = make_token(site_settings, "manage", 1, ADDRESS)
    form = {
        "token": token,
        "csrf_token": csrf(client),
        "frequency": "daily",
        "hour": "8",
        "weekday": "0",
        "timezone": "Mars/Olympus",
        "max_papers": "10",
        "trending": "1",
    }
    r = client.post("/digests/manage", data=form)
    assert r.status_code == 400 and "Mars/Olympus" in r.text and "is not a time zone" in r.text
    r = client.post("/digests/manage", data={**form, "timezone": "UTC", "categories": "<b>"})
    assert r.status_code == 400 and "is not an arXiv category" in r.text
    # a manage link is not an unsubscribe link
    assert client.post("/digests/unsubscribe", params={"token": token}).status_code == 400
    bad = client.post("/digests/subscribe", data={"email": "nope", "csrf_token": csrf(client)})
    assert bad.status_code == 400 and "email address" in bad.text
