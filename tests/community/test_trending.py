"""Trending: the published formula, GitHub stars from a stand-in API, the page shows the parts."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.community.github import GitHubClient, record_stars, refresh_stars, star_velocity
from paperfeed.community.trending import score
from paperfeed.config import Settings
from tests import records as R
from tests.community.conftest import Inbox, csrf, sign_up
from tests.web.conftest import store


def test_formula() -> None:
    assert score(0, 0.0, 0.0) == (0.0, 0.0)
    value, star_part = score(3, 7.0, 2.0)  # (3 + 0.5 * log2(8)) / (2 + 2) ** 1.5
    assert star_part == 1.5 and value == pytest.approx(4.5 / 8)
    assert score(5, 0, 10)[0] > score(5, 0, 50)[0]  # older sinks
    assert score(6, 0, 10)[0] > score(5, 0, 10)[0]  # more votes rise


class FakeGitHub:
    """A local server speaking the GitHub REST API's GET /repos/{owner}/{repo}."""

    def __init__(self, stars: dict[str, int]) -> None:
        self.stars = stars
        self.seen: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                repo = self.path.removeprefix("/repos/").lower()
                outer.seen.append(self.headers.get("Accept", ""))
                if repo not in outer.stars:
                    self.send_response(404)
                    body = b'{"message": "Not Found"}'
                else:
                    self.send_response(200)
                    body = json.dumps(
                        {"full_name": repo, "stargazers_count": outer.stars[repo]}
                    ).encode()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub({"example/bridges": 120, "example/invented": 3})
    yield fake
    fake.server.shutdown()


def test_github_client_and_velocity(engine: Engine, github: FakeGitHub) -> None:
    client = GitHubClient(github.url)
    assert client.stars("example/bridges") == 120 and client.stars("example/missing") is None
    assert github.seen[0] == "application/vnd.github+json"
    now = datetime.now(UTC)
    with engine.begin() as conn:
        record_stars(conn, "example/bridges", 100, now - timedelta(days=2))
        record_stars(conn, "example/bridges", 120, now)
        got = star_velocity(conn, ["example/bridges"], now, {})
    assert got["example/bridges"] == (120, pytest.approx(10.0))


def test_trending_page_ranks_by_score_and_shows_parts(
    client: TestClient, inbox: Inbox, engine: Engine, site_settings: Settings, github: FakeGitHub
) -> None:
    now = datetime.now(UTC)
    recs = [
        R.Rec(
            id="2611.00101",
            title="Voted paper",
            comments=None,
            versions=[now - timedelta(hours=30)],
        ),
        R.Rec(
            id="2611.00102",
            title="Starred paper",
            abstract="Code at https://github.com/example/bridges .",
            comments=None,
            versions=[now - timedelta(hours=30)],
        ),
        R.Rec(
            id="2611.00103",
            title="Quiet paper",
            comments=None,
            versions=[now - timedelta(hours=30)],
        ),
    ]
    store(engine, recs)
    settings = site_settings.model_copy(update={"github_api_url": github.url})
    assert refresh_stars(engine, settings, days=30) == 1
    sign_up(client, inbox, "alice@example.org")
    client.post("/papers/2611.00101/vote", data={"up": "true", "csrf_token": csrf(client)})
    data = client.get("/papers/trending.json?window=week").json()
    ids = [p["arxiv_id"] for p in data["papers"]]
    assert "2611.00103" not in ids and set(ids) == {"2611.00101", "2611.00102"}
    starred = next(p for p in data["papers"] if p["arxiv_id"] == "2611.00102")
    assert starred["stars"] == 120 and starred["upvotes"] == 0 and starred["star_part"] > 0
    voted = next(p for p in data["papers"] if p["arxiv_id"] == "2611.00101")
    expected = score(1, 0.0, voted["hours"])[0]
    assert voted["score"] == pytest.approx(expected)
    page = client.get("/papers/trending?window=week").text
    assert "Voted paper" in page and "1 upvote" in page and "120 ★" in page
    assert "(U + S) / (H + 2) ^ G" in client.get("/about/trending").text


def test_daily_papers_sort_trending_uses_the_same_formula(
    client: TestClient, engine: Engine, site_settings: Settings, github: FakeGitHub
) -> None:
    now = datetime.now(UTC)
    same_time = [now - timedelta(hours=30)]
    store(
        engine,
        [
            R.Rec(
                id="2611.00201",
                title="Starred paper",
                comments=None,
                versions=same_time,
                abstract="Code at https://github.com/example/bridges .",
            ),
            R.Rec(id="2611.00202", title="Quiet paper", comments=None, versions=same_time),
        ],
    )
    refresh_stars(engine, site_settings.model_copy(update={"github_api_url": github.url}), days=30)
    day = client.get("/papers/2611.00201.json").json()["feed_date"]
    by_date = [p["paper"]["id"] for p in client.get(f"/api/daily_papers?date={day}").json()]
    trending = [
        p["paper"]["id"] for p in client.get(f"/api/daily_papers?date={day}&sort=trending").json()
    ]
    assert set(by_date) == set(trending) == {"2611.00201", "2611.00202"}
    assert by_date[0] == "2611.00202"  # no votes, same time: the later stored first
    assert trending[0] == "2611.00201"  # the stars lift it
