"""Digest subscriptions and one delivery row per (subscription, period)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from paperfeed.db.base import Base, UTCDateTime

FREQUENCIES = ("daily", "weekly")
# delivery states: pending -> sending (claimed by a worker) -> sent | failed;
# a temporary failure puts it back to pending with a later next_attempt_at
STATES = ("pending", "sending", "sent", "failed", "skipped")


class Subscription(Base):
    __tablename__ = "digest_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # lower-case
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    frequency: Mapped[str] = mapped_column(String(8), default="daily")
    weekday: Mapped[int] = mapped_column(Integer, default=0)  # 0 = Monday, for weekly
    hour: Mapped[int] = mapped_column(Integer, default=8)  # local time
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    max_papers: Mapped[int] = mapped_column(Integer, default=10)
    trending: Mapped[bool] = mapped_column(Boolean, default=True)
    categories: Mapped[str] = mapped_column(Text, default="")  # space separated
    keywords: Mapped[str] = mapped_column(Text, default="")  # one search per line
    authors: Mapped[str] = mapped_column(Text, default="")  # one name per line
    skip_empty: Mapped[bool] = mapped_column(Boolean, default=True)
    refusals: Mapped[int] = mapped_column(Integer, default=0)  # permanent SMTP refusals in a row
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Delivery(Base):
    """The digest of one subscription for one period: created when due, sent at most once."""

    __tablename__ = "digest_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "period"),
        Index("ix_digest_deliveries_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("digest_subscriptions.id", ondelete="CASCADE")
    )
    period: Mapped[str] = mapped_column(String(32))  # daily:2026-11-26, weekly:2026-11-26
    status: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    papers: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DigestMark(Base):
    """The end-mark journal (journal.py): the batch `token` sent this delivery's end mark."""

    __tablename__ = "digest_marks"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    delivery_id: Mapped[int] = mapped_column(Integer, primary_key=True)
