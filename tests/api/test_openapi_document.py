"""The OpenAPI document says what the server does: 400 (not 422) for bad input, 201 for a
new submission, the bearer scheme on writes, HTML pages and BibTeX as what they are; and
optional fields are left out when empty, as Hugging Face does."""

from fastapi.testclient import TestClient


def test_the_document_describes_the_server(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    operations = [op for ops in doc["paths"].values() for op in ops.values()]
    assert all("422" not in op["responses"] and "400" in op["responses"] for op in operations)
    submit = doc["paths"]["/api/papers/index"]["post"]
    assert {"201", "200", "400", "401", "403", "404", "502", "503"} <= set(submit["responses"])
    assert submit["security"] == [{"apiToken": []}]
    assert doc["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    page = doc["paths"]["/papers/{arxiv_id}"]["get"]["responses"]["200"]["content"]
    assert {"text/html", "application/json", "text/x-bibtex", "text/markdown"} == set(page)
    assert set(doc["paths"]["/search.bib"]["get"]["responses"]["200"]["content"]) == {
        "text/x-bibtex"
    }
    feed = doc["paths"]["/feeds/daily.{kind}"]["get"]["responses"]["200"]["content"]
    assert set(feed) == {"application/atom+xml", "application/rss+xml"}
    assert client.get("/api/daily_papers?limit=0").status_code == 400


def test_optional_fields_are_left_out_when_empty(client: TestClient) -> None:
    paper = client.get("/api/papers/2608.00002").json()
    for empty in ("projectPage", "withdrawnAt", "ai_summary", "ai_keywords", "githubStars"):
        assert empty not in paper, empty
    assert paper["upvotes"] == 0 and paper["id"] == "2608.00002"
    with_repo = client.get("/api/papers/2608.00001").json()
    assert with_repo["githubRepo"] == "https://github.com/example/bridges"
