"""The daily list stays under 150 kB of HTML (before images) at a full page of papers."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from tests import records as R
from tests.web.conftest import store


def test_full_daily_page_is_light(engine: Engine, settings: Settings) -> None:
    long_abstract = " ".join(["An invented sentence about $x_i^2$ and graphs."] * 40)
    recs = [
        R.Rec(
            id=f"2608.{i:05d}",
            title=f"Invented paper {i} on $\\alpha$-models",
            abstract=long_abstract,
            authors=[("Doe", f"Jane{j}", ["Example Univ."]) for j in range(12)],
        )
        for i in range(1, 61)
    ]
    store(engine, recs)
    with TestClient(create_app(settings, engine)) as client:
        html = client.get("/papers/date/2026-08-04").content
        css = client.get("/static/app.css").content
        js = client.get("/static/app.js").content
    assert html.count(b'class="card"') == settings.page_size == 50
    assert len(html) + len(css) + len(js) < 150_000, len(html) + len(css) + len(js)
