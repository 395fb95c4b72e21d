"""A password change ends the other sessions and revokes API tokens; a reset does the same,
and using one reset link makes the older ones useless."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from tests.community.conftest import Inbox, csrf, log_in, sign_up


def _token(client: TestClient) -> str:
    r = client.post("/account/tokens", data={"name": "cli", "csrf_token": csrf(client)})
    assert r.status_code == 200, r.text
    found = re.search(r"pf_[A-Za-z0-9_-]{20,}|[A-Za-z0-9_-]{40,}", r.text)
    assert found, r.text
    return found.group(0)


def test_change_ends_other_sessions_and_tokens(
    engine: Engine, site_settings: Settings, inbox: Inbox
) -> None:
    app = create_app(site_settings, engine)
    with TestClient(app) as laptop, TestClient(app) as phone:
        sign_up(laptop, inbox, "ada@example.org", "Ada")
        log_in(phone, "ada@example.org")
        token = _token(laptop)
        auth = {"Authorization": f"Bearer {token}"}
        assert phone.get("/account").status_code == 200
        r = laptop.post(
            "/account/password",
            data={
                "current_password": "correct horse battery",
                "new_password": "another long passphrase",
                "csrf_token": csrf(laptop),
            },
            follow_redirects=False,
        )
        assert r.status_code == 303
        assert laptop.get("/account", follow_redirects=False).status_code == 200  # kept
        assert phone.get("/account", follow_redirects=False).status_code == 303  # logged out
        r = laptop.post("/api/papers/2608.00001/upvote", headers=auth)
        assert r.status_code == 401


def _reset_links(inbox: Inbox, address: str, count: int) -> list[str]:
    """The reset links mailed to `address`, once there are `count` of them."""
    mails = inbox.to(address, count=count + 1)[1:]  # after the confirmation
    links = []
    for mail in mails:
        body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        found = re.search(r"https?://\S+/password/reset\?token=(\S+)", body)
        assert found, body
        links.append(found.group(1))
    return links


def test_a_used_reset_link_kills_the_older_ones(
    engine: Engine, site_settings: Settings, inbox: Inbox
) -> None:
    with TestClient(create_app(site_settings, engine)) as client:
        sign_up(client, inbox, "bea@example.org", "Bea")
        client.cookies.clear()
        for _ in range(2):
            client.post(
                "/password/forgot", data={"email": "bea@example.org", "csrf_token": csrf(client)}
            )
        older, newer = _reset_links(inbox, "bea@example.org", 2)
        assert older != newer

        def reset(token: str) -> int:
            data = {"token": token, "password": "a brand new passphrase"}
            r = client.post(
                "/password/reset",
                data={**data, "csrf_token": csrf(client)},
                follow_redirects=False,
            )
            return r.status_code

        assert reset(newer) in (200, 303)
        assert reset(older) == 400
