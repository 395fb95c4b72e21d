"""The search tests use the web tests' invented papers and client, plus topical papers."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from tests.search.papers import TOPICAL
from tests.web.conftest import client, filled, store  # noqa: F401


@pytest.fixture
def topical(engine: Engine) -> Engine:
    store(engine, TOPICAL)
    return engine


@pytest.fixture
def topical_client(topical: Engine, settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings, topical)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
