"""Password reset by email: the link works once, old sessions end, no account enumeration."""

from fastapi.testclient import TestClient

from tests.community.conftest import Inbox, csrf, log_in, sign_up


def test_reset_email_link_sets_a_new_password_and_logs_out_everywhere(
    client: TestClient, inbox: Inbox
) -> None:
    sign_up(client, inbox, "alice@example.org")
    assert client.get("/account").status_code == 200
    other = client.cookies.get("pf_session")
    r = client.post(
        "/password/forgot", data={"email": "alice@example.org", "csrf_token": csrf(client)}
    )
    assert "Check your email" in r.text
    link = inbox.link("alice@example.org", "/password/reset?token=")
    token = link.split("token=")[1]
    r = client.post(
        "/password/reset",
        data={"token": token, "password": "a brand new secret", "csrf_token": csrf(client)},
    )
    assert "Password changed" in r.text
    client.cookies.set("pf_session", other or "")
    assert client.get("/account", follow_redirects=False).status_code == 303  # logged out
    log_in(client, "alice@example.org", "a brand new secret")
    r = client.post(
        "/password/reset",
        data={"token": token, "password": "another secret!", "csrf_token": csrf(client)},
    )
    assert r.status_code == 400 and "unknown, used or expired" in r.text


def test_unknown_address_gets_the_same_page_and_no_email(client: TestClient, inbox: Inbox) -> None:
    r = client.post(
        "/password/forgot", data={"email": "nobody@example.org", "csrf_token": csrf(client)}
    )
    assert r.status_code == 200 and "Check your email" in r.text
    assert inbox.to("nobody@example.org", wait=0.5) == []


def test_wrong_password_and_unknown_email_read_the_same(client: TestClient, inbox: Inbox) -> None:
    sign_up(client, inbox, "erin@example.org")
    client.cookies.clear()
    a = client.post(
        "/login",
        data={
            "email": "erin@example.org",
            "password": "wrong password",
            "csrf_token": csrf(client),
        },
    )
    b = client.post(
        "/login",
        data={
            "email": "nobody@example.org",
            "password": "wrong password",
            "csrf_token": csrf(client),
        },
    )
    assert a.status_code == b.status_code == 400
    assert "Wrong email or password." in a.text and "Wrong email or password." in b.text
