"""Upstream sources (arXiv OAI-PMH, arXiv API, snapshot, generic JSON lines) and their record type."""
