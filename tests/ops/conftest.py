from tests.web.conftest import client, filled  # noqa: F401  (fixtures used here)
