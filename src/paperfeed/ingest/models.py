"""Checkpoints of ingestion runs, written in the same transaction as the rows they cover."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from paperfeed.db.base import Base, JSONType, UTCDateTime


class Checkpoint(Base):
    __tablename__ = "ingest_checkpoints"

    key: Mapped[str] = mapped_column(String(700), primary_key=True)
    position: Mapped[dict[str, Any]] = mapped_column(JSONType)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
