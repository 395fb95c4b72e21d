"""Schemathesis over /api/openapi.json with all its checks, every operation (pages, feeds,
the read API and the token writes), a bounded number of examples each: the document says
what the server does."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.clients.conftest import Site

EXAMPLES = 6  # per operation: about 30 operations, well under a minute


def test_every_operation_matches_the_document(site: Site) -> None:
    schema = schemathesis.openapi.from_url(f"{site.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    auth = {"Authorization": f"Bearer {site.token}"}
    called: set[str] = set()
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=auth)  # every check schemathesis has
            called.add(case.operation.label)

        check()
    assert called == {op.label for op in operations}
