"""A real SMTP server (aiosmtpd on loopback), the app wired to it, and people to sign up."""

from __future__ import annotations

import email
import re
import socket
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings


class Inbox:
    """aiosmtpd handler keeping every message it receives, parsed by the email package."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        msg = email.message_from_bytes(envelope.content, policy=default_policy)
        with self._lock:
            self.messages.append(msg)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str, wait: float = 5, count: int = 1) -> list[EmailMessage]:
        """The messages to `address`, once there are `count` (mail leaves after the answer)."""
        deadline = time.monotonic() + wait
        found: list[EmailMessage] = []
        while time.monotonic() < deadline:
            with self._lock:
                found = [m for m in self.messages if m["To"] == address]
            if len(found) >= count:
                return found
            time.sleep(0.02)
        return found

    def link(self, address: str, path: str, wait: float = 5) -> str:
        """The link to `path` in the newest email to `address` that has one (plain text)."""
        deadline = time.monotonic() + wait
        text = ""
        while True:
            for msg in reversed(self.to(address, wait=0.1)):
                text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
                match = re.search(rf"https?://\S+{re.escape(path)}\S*", text)
                if match:
                    return match.group(0)
            if time.monotonic() >= deadline:
                raise AssertionError(f"no link to {path} mailed to {address}: {text}")


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def inbox(smtp: tuple[Inbox, int]) -> Inbox:
    return smtp[0]


@pytest.fixture
def site_settings(settings: Settings, smtp: tuple[Inbox, int]) -> Settings:
    return settings.model_copy(
        update={
            "smtp_url": f"smtp://127.0.0.1:{smtp[1]}",
            "base_url": "http://testserver",
            "rate_limit_auth": "1000/minute",
            "rate_limit_write": "1000/minute",
        }
    )


@pytest.fixture
def client(engine: Engine, site_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(site_settings, engine), raise_server_exceptions=False) as c:
        yield c


def csrf(client: TestClient) -> str:
    client.get("/papers")
    token = client.cookies.get("pf_csrf")
    assert token
    return token


def sign_up(
    client: TestClient,
    inbox: Inbox,
    address: str,
    name: str = "",
    password: str = "correct horse battery",
) -> None:
    """Sign up and follow the emailed confirmation link, then log in."""
    r = client.post(
        "/signup",
        data={
            "email": address,
            "password": password,
            "display_name": name or address.split("@")[0],
            "csrf_token": csrf(client),
        },
    )
    assert r.status_code == 200 and "Check your email" in r.text
    link = inbox.link(address, "/verify?token=")
    assert "Email confirmed" in client.get(link.replace("http://testserver", "")).text
    log_in(client, address, password)


def log_in(client: TestClient, address: str, password: str = "correct horse battery") -> None:
    r = client.post(
        "/login",
        data={"email": address, "password": password, "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


@pytest.fixture
def filled_papers(engine: Engine) -> None:
    """Invented papers (tests/web/conftest.py's) in the database."""
    from tests.web.conftest import PAPERS, store

    store(engine, PAPERS)
