"""Imports every model so that Base.metadata knows all tables (for Alembic and tests)."""

from paperfeed.db.base import Base
from paperfeed.ingest.models import Checkpoint
from paperfeed.papers.models import Paper

__all__ = ["Base", "Checkpoint", "Paper"]
