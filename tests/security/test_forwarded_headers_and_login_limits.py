"""X-Forwarded-For counts only from a trusted proxy, so rotating it does not dodge the rate
limits; failed log-ins are limited per address and account, so failing from one address
never locks the owner out from another."""

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.community.accounts import create_admin, now_utc
from paperfeed.config import Settings
from tests.community.conftest import csrf
from tests.live import live_server


def _signup(client: TestClient, n: int, forwarded: str) -> int:
    data = {"email": f"u{n}@example.org", "password": "correct horse battery"}
    r = client.post(
        "/signup", data={**data, "csrf_token": csrf(client)}, headers={"X-Forwarded-For": forwarded}
    )
    return r.status_code


def test_a_rotated_header_does_not_dodge_the_limit(engine: Engine, site_settings: Settings) -> None:
    limited = site_settings.model_copy(update={"rate_limit_auth": "5/minute"})
    with live_server(create_app(limited, engine)) as url, httpx.Client(base_url=url) as client:
        client.get("/signup")
        token = client.cookies["pf_csrf"]
        codes = []
        for n in range(8):  # from loopback, as `paperfeed serve` is reached without a proxy
            data = {"email": f"u{n}@example.org", "password": "correct horse battery"}
            r = client.post(
                "/signup",
                data={**data, "csrf_token": token},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
            )
            codes.append(r.status_code)
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}


def test_a_trusted_proxy_passes_the_client_address(engine: Engine, site_settings: Settings) -> None:
    behind = site_settings.model_copy(
        update={"rate_limit_auth": "5/minute", "trusted_proxies": ["127.0.0.1"]}
    )
    with TestClient(create_app(behind, engine), client=("127.0.0.1", 4000)) as client:
        one = [_signup(client, n, "198.51.100.7") for n in range(6)]
        other = [_signup(client, 10 + n, "spoofed, 198.51.100.8") for n in range(3)]
    assert one[:5] == [200] * 5 and one[5] == 429  # one client, limited
    assert other == [200] * 3  # another client behind the same proxy (right-most hop)


def test_failures_from_one_address_do_not_lock_out_the_owner(
    engine: Engine, site_settings: Settings
) -> None:
    with engine.begin() as conn:
        create_admin(conn, "owner@example.org", "correct horse battery", now_utc())
    app = create_app(site_settings, engine)
    attacker = TestClient(app, client=("192.0.2.66", 5000))
    owner = TestClient(app, client=("192.0.2.10", 5000))
    with attacker, owner:
        codes = [_log_in(attacker, "guess guess guess") for _ in range(12)]
        assert codes[:5] == [400] * 5 and set(codes[5:]) == {429}  # the guesser waits
        assert _log_in(owner, "correct horse battery") == 303  # the owner, elsewhere, logs in


def _log_in(client: TestClient, password: str) -> int:
    data = {"email": "owner@example.org", "password": password, "csrf_token": csrf(client)}
    return client.post("/login", data=data, follow_redirects=False).status_code
