"""Imports every model so that Base.metadata knows all tables (for Alembic and tests)."""

from paperfeed.community.models import (
    ApiToken,
    Comment,
    EmailToken,
    LoginSession,
    RepoStars,
    Submission,
    User,
    Vote,
)
from paperfeed.db.base import Base
from paperfeed.digests.models import Delivery, Subscription
from paperfeed.ingest.models import Checkpoint
from paperfeed.papers.models import Paper
from paperfeed.search.models import PaperEmbedding, SearchOutbox

__all__ = [
    "ApiToken",
    "Base",
    "Checkpoint",
    "Comment",
    "Delivery",
    "EmailToken",
    "LoginSession",
    "Paper",
    "PaperEmbedding",
    "RepoStars",
    "SearchOutbox",
    "Submission",
    "Subscription",
    "User",
    "Vote",
]
