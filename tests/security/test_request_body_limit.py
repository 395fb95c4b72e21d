"""Request bodies are bounded: a body over the limit is answered 413 before it is read
whole, whether it announces its length or streams without one."""

from collections.abc import Iterator

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"a" * size
        sent += size


def test_bodies_over_the_limit_are_refused(engine: Engine, settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_body_bytes": 100_000}), engine)
    with TestClient(app) as client:
        form = {"content-type": "application/x-www-form-urlencoded"}
        announced = client.post("/signup", content=b"a" * 300_000, headers=form)
        assert announced.status_code == 413 and "larger than" in announced.text
        streamed = client.post("/login", content=_chunks(2_000_000), headers=form)
        assert streamed.status_code == 413
        api = client.post("/api/papers/index", content=b"{" + b" " * 200_000 + b"}")
        assert api.status_code == 413 and api.json()["status"] == 413
        small = client.post("/signup", data={"email": "x"})
        assert small.status_code in (400, 403)  # read and judged (no CSRF token here)
