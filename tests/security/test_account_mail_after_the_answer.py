"""Sign-up and password reset answer without waiting for the mail server, and do the same
work whether or not the address has an account (no enumeration by timing): a hung SMTP
server delays the mail, never the page."""

import socket
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.community import accounts
from paperfeed.config import Settings
from tests.community.conftest import Inbox, csrf


@pytest.fixture
def hung_smtp() -> Iterator[int]:
    """A server that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for s in held:
        s.close()
    listener.close()


def test_answers_come_before_the_mail_leaves(
    engine: Engine, site_settings: Settings, hung_smtp: int
) -> None:
    hung = site_settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{hung_smtp}"})
    app = create_app(hung, engine)
    with TestClient(app) as client:
        for address in ("new@example.org", "new@example.org", "other@example.org"):
            r = client.post(
                "/signup",
                data={
                    "email": address,
                    "password": "correct horse battery",
                    "csrf_token": csrf(client),
                },
            )
            assert r.status_code == 200 and "Check your email" in r.text
        r = client.post(
            "/password/forgot", data={"email": "new@example.org", "csrf_token": csrf(client)}
        )
        assert r.status_code == 200
        # every answer came back while the first message is still stuck at the server
        assert app.state.outbox.pending == 4


def test_known_and_new_addresses_cost_the_same_hashing(
    engine: Engine, site_settings: Settings, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[str] = []
    real = accounts.hash_password
    monkeypatch.setattr(accounts, "hash_password", lambda p: (hashed.append(p), real(p))[1])
    with TestClient(create_app(site_settings, engine)) as client:
        for address in ("same@example.org", "same@example.org"):
            before = len(hashed)
            client.post(
                "/signup",
                data={
                    "email": address,
                    "password": "correct horse battery",
                    "csrf_token": csrf(client),
                },
            )
            assert len(hashed) - before == 1
    assert len(inbox.to("same@example.org")) == 2  # a link, then an "already have one" note
