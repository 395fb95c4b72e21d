"""Out-of-range numbers, far dates and NUL bytes are answered 400 naming the problem, on
both databases, and an unexpected error keeps the keep-alive connection usable."""

import http.client
from urllib.parse import urlparse

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from tests.community.conftest import Inbox, csrf, sign_up
from tests.live import live_server

HUGE = "99999999999999999999"
ADDRESSES = [
    "/papers/date/0001-01-01",
    "/papers/date/9999-12-31",
    "/papers/week/0001-W01",
    "/papers/week/9999-W52",
    "/papers/month/0001-01",
    "/papers/month/9999-12",
    f"/papers?page={HUGE}",
    f"/search?q=graph&page={HUGE}",
    f"/api/daily_papers?limit={HUGE}",
    f"/api/daily_papers?p={HUGE}",
    "/api/daily_papers?date=0001-01-01",
    "/search?q=graph%00",
    "/api/papers/search?q=%00",
]


def test_bad_addresses_are_400_not_500(filled: Engine, site_settings: Settings) -> None:
    with TestClient(create_app(site_settings, filled), raise_server_exceptions=False) as c:
        for address in ADDRESSES:
            r = c.get(address)
            assert 400 <= r.status_code < 500, (address, r.status_code)


def test_nul_bytes_in_forms_are_400(filled: Engine, site_settings: Settings, inbox: Inbox) -> None:
    with TestClient(create_app(site_settings, filled), raise_server_exceptions=False) as c:
        sign_up(c, inbox, "nora@example.org", "Nora")
        token = csrf(c)
        posts = [
            ("/signup", {"email": "x\x00@example.org", "password": "p" * 12}),
            ("/login", {"email": "nora@example.org", "password": "pass\x00word"}),
            ("/papers/2608.00001/comments", {"body": "hello\x00world"}),
        ]
        for path, data in posts:
            r = c.post(path, data={**data, "csrf_token": token})
            assert r.status_code == 400 and "NUL" in r.text, (path, r.status_code)
            fields = {"email": (None, "x\x00@example.org"), "password": (None, "p" * 12)}
        multipart = c.post("/signup", files={**fields, "csrf_token": (None, token)})
        assert multipart.status_code == 400 and "NUL" in multipart.text
        assert c.get("/papers/2608.00001").status_code == 200  # the site goes on


def test_an_unexpected_error_keeps_the_connection(filled: Engine, site_settings: Settings) -> None:
    app = create_app(site_settings, filled)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with live_server(app) as url:
        where = urlparse(url)
        conn = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
        conn.request("GET", "/boom")
        first = conn.getresponse()
        body = first.read().decode()
        assert first.status == 500 and "a bug" not in body and "Traceback" not in body
        conn.request("GET", "/healthz")  # the same connection
        second = conn.getresponse()
        assert second.status == 200 and second.read() == b"ok"
        conn.close()
