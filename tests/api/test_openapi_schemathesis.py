"""Schemathesis against the OpenAPI description: no 5xx, every response matching its schema.

Bounded: a few examples per read endpoint (GET /api/...), on SQLite with the invented papers."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from tests import records as R
from tests.web.conftest import store


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'schema.db'}"


@pytest.fixture
def api_app(filled: Engine, settings: Settings) -> FastAPI:
    # the paper the OpenAPI examples name, so that the examples phase reaches real pages
    store(filled, [R.Rec(id="2401.01234", title="An invented example paper")])
    return create_app(settings, filled)


@pytest.fixture
def api_schema(api_app: FastAPI) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/api/openapi.json", api_app).include(
        method="GET", path_regex=r"^/api/"
    )


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_read_api_matches_its_description(api_schema: schemathesis.BaseSchema) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    seen: list[str] = []
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS)
            seen.append(case.operation.label)

        check()
    assert len(set(seen)) == len(operations)  # every operation was called
