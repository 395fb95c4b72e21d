"""Sign-up sends a confirmation email through a real SMTP server; its link confirms."""

from fastapi.testclient import TestClient

from tests.community.conftest import Inbox, csrf, sign_up


def test_verification_email_arrives_parses_and_its_link_works(
    client: TestClient, inbox: Inbox
) -> None:
    r = client.post(
        "/signup",
        data={
            "email": "Alice@Example.org",
            "password": "a" * 12,
            "display_name": "Alice",
            "csrf_token": csrf(client),
        },
    )
    assert r.status_code == 200
    (msg,) = inbox.to("alice@example.org")
    assert msg["Subject"] == "Confirm your email address for paperfeed"
    assert msg.get_body(("plain",)) is not None and msg.get_body(("html",)) is not None
    link = inbox.link("alice@example.org", "/verify?token=")
    assert "Email confirmed" in client.get(link.replace("http://testserver", "")).text
    # single use
    assert client.get(link.replace("http://testserver", "")).status_code == 400


def test_unverified_members_cannot_vote(client: TestClient, inbox: Inbox) -> None:
    client.post(
        "/signup",
        data={"email": "bob@example.org", "password": "b" * 12, "csrf_token": csrf(client)},
    )
    client.post(
        "/login",
        data={"email": "bob@example.org", "password": "b" * 12, "csrf_token": csrf(client)},
    )
    r = client.post("/submit", data={"paper": "2608.00001", "csrf_token": csrf(client)})
    assert r.status_code == 403 and "Confirm your email" in r.text


def test_signing_up_twice_does_not_reveal_the_account(client: TestClient, inbox: Inbox) -> None:
    sign_up(client, inbox, "carol@example.org")
    client.cookies.clear()
    r = client.post(
        "/signup",
        data={"email": "carol@example.org", "password": "c" * 12, "csrf_token": csrf(client)},
    )
    assert r.status_code == 200 and "Check your email" in r.text
    mails = inbox.to("carol@example.org", count=2)
    assert mails[-1]["Subject"] == "You already have a paperfeed account"


def test_bad_signup_input_is_named(client: TestClient, inbox: Inbox) -> None:
    r = client.post(
        "/signup", data={"email": "not-an-email", "password": "x" * 12, "csrf_token": csrf(client)}
    )
    assert r.status_code == 400 and "not an email address" in r.text
    r = client.post(
        "/signup", data={"email": "d@example.org", "password": "short", "csrf_token": csrf(client)}
    )
    assert r.status_code == 400 and "at least 10 characters" in r.text
