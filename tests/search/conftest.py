"""The search tests use the web tests' invented papers and client."""

from tests.web.conftest import client, filled  # noqa: F401
