"""Periodic runs, one row per job and period: the unique pair is the claim, so two workers
ticking together run a period's job once (and the table says which ran, when, how)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from paperfeed.db.base import Base, UTCDateTime


class JobRun(Base):
    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    period: Mapped[datetime] = mapped_column(UTCDateTime)  # the start of the period it ran for
    worker: Mapped[str] = mapped_column(String(200))  # host:pid
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    alive_at: Mapped[datetime] = mapped_column(UTCDateTime)  # its worker's last heartbeat
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))  # "done" | "failed"

    __table_args__ = (UniqueConstraint("name", "period", name="uq_job_runs_name_period"),)
