"""Fixtures of the web and community suites, shared here: stored papers, a real SMTP server."""

from tests.community.conftest import inbox, site_settings, smtp  # noqa: F401
from tests.web.conftest import filled  # noqa: F401
