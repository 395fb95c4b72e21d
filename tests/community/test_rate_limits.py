"""Log-in attempts past the limit get a clear 429, per IP and per address."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from tests.community.conftest import csrf


def test_login_is_rate_limited(engine: Engine, site_settings: Settings) -> None:
    settings = site_settings.model_copy(update={"rate_limit_auth": "3/minute"})
    with TestClient(create_app(settings, engine)) as client:
        codes = [
            client.post(
                "/login",
                data={"email": "x@example.org", "password": "nope", "csrf_token": csrf(client)},
            ).status_code
            for _ in range(5)
        ]
        assert codes == [400, 400, 400, 429, 429]
        r = client.post(
            "/login",
            data={"email": "x@example.org", "password": "nope", "csrf_token": csrf(client)},
        )
        assert "Too many requests" in r.text and "Traceback" not in r.text
