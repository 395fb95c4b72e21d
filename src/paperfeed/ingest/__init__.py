"""Ingestion runs: harvests, fetches and imports with checkpoints, rejects and summaries."""
