"""Similar papers without embeddings come from the keyword index (more-like-this), not from
scoring thousands of recent papers in Python on every page view."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from paperfeed.papers import similar
from tests import records as R
from tests.web.conftest import store


def test_similar_papers_come_from_the_keyword_index(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    store(
        engine,
        [
            R.Rec(id="2608.00201", title="Speculative decoding with draft models",
                  abstract="A verifier checks draft tokens.", categories="cs.CL"),
            R.Rec(id="2608.00202", title="Faster speculative decoding",
                  abstract="Draft tokens checked by a verifier in parallel.", categories="cs.CL"),
            R.Rec(id="2608.00203", title="Graph colouring", categories="cs.CL"),
            R.Rec(id="2608.00204", title="Speculative decoding for images",
                  abstract="Draft tokens and a verifier.", categories="cs.CV"),
        ],
    )  # fmt: skip

    def slow_path(*_args: object) -> None:
        raise AssertionError("the in-Python lexical scoring ran")

    monkeypatch.setattr(similar, "_lexical", slow_path)
    keyword_only = settings.model_copy(update={"semantic_search": False})
    with TestClient(create_app(keyword_only, engine)) as client:
        found = [p["id"] for p in client.get("/api/papers/2608.00201/similar").json()]
        page = client.get("/papers/2608.00201")
    assert found[0] == "2608.00202"
    assert "2608.00204" not in found and "2608.00201" not in found  # other category; itself
    assert page.status_code == 200 and 'href="/papers/2608.00202"' in page.text
