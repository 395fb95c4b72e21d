"""GET /api/papers/search: Hugging Face's shape, plus paperfeed's filters."""

from fastapi.testclient import TestClient


def _ids(client: TestClient, **params: str) -> list[str]:
    r = client.get("/api/papers/search", params=params)
    assert r.status_code == 200, r.text
    return [item["paper"]["id"] for item in r.json()]


def test_filters_and_limit(topical_client: TestClient) -> None:
    assert set(_ids(topical_client, q="radar")) == {"2608.10002", "2608.10005"}
    assert _ids(topical_client, q="radar", cat="cs.CV") == ["2608.10002"]
    assert _ids(topical_client, q="radar", since="2026-08-05") == ["2608.10005"]
    assert _ids(topical_client, q="radar", until="2026-08-04") == ["2608.10002"]
    assert _ids(topical_client, q="sort", author="Ada Quill") == ["2608.10004"]
    assert len(_ids(topical_client, q="radar", limit="1")) == 1
    assert _ids(topical_client, q="radar", sort="date")[0] == "2608.10005"


def test_a_pasted_id_and_bad_filters(topical_client: TestClient) -> None:
    assert _ids(topical_client, q="https://arxiv.org/abs/2608.10003v1") == ["2608.10003"]
    r = topical_client.get("/api/papers/search", params={"since": "last week"})
    assert r.status_code == 400 and "is not a date" in r.json()["error"]
    assert topical_client.get("/api/papers/search", params={"limit": "121"}).status_code == 400
