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
from paperfeed.digests.models import Delivery, DigestMark, Subscription
from paperfeed.fleet.models import JobRun
from paperfeed.ingest.models import Checkpoint
from paperfeed.pagecache.models import SiteGeneration
from paperfeed.papers.models import Paper, Thumbnail
from paperfeed.personal.models import (
    Collection,
    CollectionPaper,
    Follow,
    LibraryItem,
    Mute,
    NotInterested,
)
from paperfeed.search.models import OutboxHorizon, PaperEmbedding, SearchOutbox

__all__ = [
    "ApiToken",
    "Base",
    "Checkpoint",
    "Collection",
    "CollectionPaper",
    "Comment",
    "Delivery",
    "DigestMark",
    "EmailToken",
    "Follow",
    "JobRun",
    "LibraryItem",
    "LoginSession",
    "Mute",
    "NotInterested",
    "OutboxHorizon",
    "Paper",
    "PaperEmbedding",
    "RepoStars",
    "SearchOutbox",
    "SiteGeneration",
    "Submission",
    "Subscription",
    "Thumbnail",
    "User",
    "Vote",
]
