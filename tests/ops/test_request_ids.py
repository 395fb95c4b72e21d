"""Every answer carries a request id (the proxy's, when sane); JSON log lines carry it."""

from __future__ import annotations

import logging

import orjson
from fastapi.testclient import TestClient

from paperfeed.ops.logs import REQUEST_ID, JsonLines


def test_answers_carry_a_request_id(client: TestClient) -> None:
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first.headers["x-request-id"]) == 16
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    kept = client.get("/healthz", headers={"X-Request-ID": "nginx-3f2a9c"})
    assert kept.headers["x-request-id"] == "nginx-3f2a9c"
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert forged.headers["x-request-id"] != "<script>"


def test_json_log_lines_carry_the_request_id() -> None:
    record = logging.LogRecord("paperfeed.x", logging.WARNING, __file__, 1, "a %s", ("b",), None)
    token = REQUEST_ID.set("abc123")
    try:
        line = orjson.loads(JsonLines().format(record))
    finally:
        REQUEST_ID.reset(token)
    assert line["message"] == "a b" and line["level"] == "warning"
    assert line["request_id"] == "abc123" and line["logger"] == "paperfeed.x"
