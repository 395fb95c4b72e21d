"""Upstream sources (arXiv OAI-PMH and API, the snapshot, generic JSON lines), one record type."""
