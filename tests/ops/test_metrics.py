"""/metrics in Prometheus' text format, read by prometheus-client's own parser: request
latency by route template, the site's figures from the database."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, func, select

from paperfeed.papers.models import Paper


def _families(client: TestClient) -> dict[str, list[tuple[str, dict[str, str], float]]]:
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return {
        f.name: [(s.name, s.labels, s.value) for s in f.samples]
        for f in text_string_to_metric_families(answer.text)
    }


def _paper_pages(client: TestClient) -> dict[str, float]:
    return {
        labels["route"]: value
        for name, labels, value in _families(client)["paperfeed_http_request_duration_seconds"]
        if name.endswith("_count") and labels["status"] == "2xx"
    }


def test_requests_are_timed_by_route_template(client: TestClient) -> None:
    route = "/papers/{arxiv_id:path}"
    before = _paper_pages(client).get(route, 0)  # (the process's metrics: earlier tests')
    assert client.get("/papers/2608.00004").status_code == 200
    assert client.get("/papers/2608.00001").status_code == 200
    after = _paper_pages(client)
    assert after[route] == before + 2  # one series for every paper page
    assert not any("2608" in r for r in after)


def test_site_figures_come_from_the_database(client: TestClient, filled: Engine) -> None:
    with filled.connect() as conn:
        stored = dict(conn.execute(select(Paper.source, func.count()).group_by(Paper.source)).all())
    families = _families(client)
    assert stored and {
        labels["source"]: value for _, labels, value in families["paperfeed_papers"]
    } == {source: float(n) for source, n in stored.items()}
    assert families["paperfeed_index_lag_seconds"][0][2] == 0.0
    assert "paperfeed_queue_depth" in families
