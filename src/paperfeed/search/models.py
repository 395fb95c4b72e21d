"""What the search indexes derive from the database: a queue of papers to (re)index, and
the stored embeddings that the vector index is built from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from paperfeed.db.base import Base, UTCDateTime


class SearchOutbox(Base):
    """One row per paper written (added or updated) and not yet in the keyword index.

    Written in the same transaction as the paper, consumed by the keyword indexer, so no
    write is ever missed whatever the clocks or the order of concurrent commits."""

    __tablename__ = "search_outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    arxiv_id: Mapped[str] = mapped_column(String(64))


class PaperEmbedding(Base):
    """A paper's embedding by one model (float32 little-endian, normalised), for the text
    whose content_hash it records; `id` grows with every write, for incremental indexing."""

    __tablename__ = "paper_embeddings"
    __table_args__ = (UniqueConstraint("paper_id", "model"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"))
    model: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(32))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
