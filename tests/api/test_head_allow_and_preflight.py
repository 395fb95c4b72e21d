"""HEAD works wherever GET does (same headers, no body); a 405 names the methods allowed;
a browser's preflight for a token write is allowed."""

from fastapi.testclient import TestClient

READS = [
    "/papers",
    "/papers/2608.00001",
    "/papers/2608.00001.json",
    "/papers/2608.00001.bib",
    "/papers/date/2026-08-04",
    "/api/daily_papers",
    "/api/papers/2608.00001",
    "/feeds/daily.rss",
    "/search?q=bridges",
    "/static/app.css",
]


def test_head_is_get_without_a_body(client: TestClient) -> None:
    for url in READS:
        got, head = client.get(url), client.head(url)
        assert head.status_code == got.status_code == 200, url
        assert head.content == b"", url
        assert head.headers["content-type"] == got.headers["content-type"], url
        assert head.headers.get("etag") == got.headers.get("etag"), url


def test_405_says_what_is_allowed(client: TestClient) -> None:
    r = client.put("/signup")
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD, POST"
    r = client.delete("/api/daily_papers")
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
    assert "GET, HEAD" in r.json()["error"]


def test_preflight_for_a_token_write(client: TestClient) -> None:
    r = client.options(
        "/api/papers/2608.00001/upvote",
        headers={
            "Origin": "https://notebook.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert r.status_code == 200
    assert "POST" in r.headers["access-control-allow-methods"]
    allowed = r.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
