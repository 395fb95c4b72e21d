"""ETag and 304 on the read API and feeds; CORS open for reads; errors as JSON."""

from fastapi.testclient import TestClient


def test_etag_gives_304_when_unchanged(client: TestClient) -> None:
    for url in ["/api/daily_papers?date=2026-08-04", "/feeds/daily.atom", "/api/papers/2608.00001"]:
        first = client.get(url)
        etag = first.headers["etag"]
        assert etag.startswith('W/"')
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert client.get(url, headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_cors_allows_any_site_to_read(client: TestClient) -> None:
    r = client.get("/api/daily_papers", headers={"Origin": "https://notebook.example"})
    assert r.headers["access-control-allow-origin"] == "*"


def test_errors_are_json_with_a_message(client: TestClient) -> None:
    r = client.get("/api/daily_papers?limit=1000")
    assert r.status_code == 400 and "limit" in r.json()["error"]
    r = client.get("/api/papers/not-an-id")
    assert r.status_code == 404 and r.json() == {
        "error": "'not-an-id' is not an arXiv identifier",
        "status": 404,
    }
    r = client.get("/api/papers?cursor=garbage")
    assert r.status_code == 400 and "cursor" in r.json()["error"]


def test_cursor_pagination_walks_every_paper_once(client: TestClient) -> None:
    seen, url = [], "/api/papers?limit=2"
    while url:
        r = client.get(url)
        seen += [p["id"] for p in r.json()]
        link = r.headers.get("link")
        url = link.split(";")[0].strip("<>").replace("http://127.0.0.1:8000", "") if link else ""
    assert len(seen) == 5 and len(set(seen)) == 5


def test_validators_are_truthful_on_feeds_twins_and_pages(client: TestClient) -> None:
    for url in ["/papers/2608.00001.json", "/papers/2608.00001.md", "/papers/2608.00001.bib",
                "/papers/2608.00001", "/papers/date/2026-08-04"]:  # fmt: skip
        first = client.get(url)
        etag = first.headers["etag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url
    feed = client.get("/feeds/category/cs.LG.atom")
    assert "last-modified" not in feed.headers  # dates of papers do not date a list
    assert client.get("/papers/2608.00001").headers["cache-control"] == "private, no-cache"


def test_paper_as_markdown_for_every_id_form(client: TestClient) -> None:
    md = client.get("/papers/2608.00001.md")
    assert md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("# Bounds for") and "```bibtex" in md.text
    assert client.get("/papers/hep-th/9901001.md").text.startswith("# An old-style identifier")
