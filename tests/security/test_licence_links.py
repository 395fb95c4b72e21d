"""A stored licence becomes a link only when it is an http(s) address."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from paperfeed.papers.render import http_url
from tests import records as R
from tests.web.conftest import store


def test_only_http_addresses_become_links(engine: Engine, settings: Settings) -> None:
    store(
        engine,
        [
            R.Rec(id="2608.00101", title="Scripted", license="javascript:alert(document.cookie)"),
            R.Rec(id="2608.00102", title="Data", license=" data:text/html,<b>x</b>"),
            R.Rec(id="2608.00103", title="Fine", license="https://creativecommons.org/by/4.0/"),
        ],
    )
    with TestClient(create_app(settings, engine)) as client:
        scripted = client.get("/papers/2608.00101").text
        data = client.get("/papers/2608.00102").text
        fine = client.get("/papers/2608.00103").text
    assert "javascript:alert(document.cookie)" in scripted  # shown as text
    assert 'href="javascript:' not in scripted and 'href="data:' not in data
    assert '<a href="https://creativecommons.org/by/4.0/"' in fine


def test_http_url() -> None:
    assert http_url("HTTP://example.org/x") == "HTTP://example.org/x"
    for bad in ("javascript:alert(1)", "jAvAsCrIpT:x", "//evil.example", "data:x", "", None):
        assert http_url(bad) is None
