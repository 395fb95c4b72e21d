"""The site's generation: one counter that every write changing a public page moves.

Database triggers (migration 0007) bump it on papers, votes, comments, submissions, GitHub
stars and display names, in the writing transaction itself: whatever process or command
writes, a page cached under the old value is never served after the write commits."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from paperfeed.db.base import Base


class SiteGeneration(Base):
    __tablename__ = "site_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    value: Mapped[int] = mapped_column(BigInteger)
