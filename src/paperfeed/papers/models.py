"""The papers table: one row per arXiv paper, latest version, with its version history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from paperfeed.db.base import Base, JSONType, UTCDateTime


class Paper(Base):
    __tablename__ = "papers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    arxiv_id: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    abstract: Mapped[str] = mapped_column(Text, default="")
    # [{"name": "Jane Doe", "affiliations": ["Example Univ."]}, ...] in paper order
    authors: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    # space separated, primary first
    categories: Mapped[str] = mapped_column(String(512), default="")
    primary_category: Mapped[str | None] = mapped_column(String(64))
    comments: Mapped[str | None] = mapped_column(Text)
    journal_ref: Mapped[str | None] = mapped_column(Text)
    doi: Mapped[str | None] = mapped_column(Text)
    report_no: Mapped[str | None] = mapped_column(Text)
    license: Mapped[str | None] = mapped_column(Text)
    submitter: Mapped[str | None] = mapped_column(Text)
    # v1 submission and the latest version's date, UTC
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # [{"version": 1, "created": "2026-08-03T17:59:00+00:00"}, ...]
    versions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    # date of the metadata itself (OAI datestamp, snapshot update_date): orders same-version updates
    metadata_date: Mapped[date | None] = mapped_column(Date)
    # the day the paper joined this instance's feed (the arXiv announcement day)
    feed_date: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_papers_feed_date", "feed_date"),)


class Thumbnail(Base):
    """A paper's first-page thumbnail (WebP), or why it has none. In the database, not in a
    data folder: every web replica serves what any worker made, and a backup keeps them."""

    __tablename__ = "paper_thumbnails"

    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    image: Mapped[bytes | None] = mapped_column(LargeBinary)
    failed: Mapped[str | None] = mapped_column(Text)  # why there is no image
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)
