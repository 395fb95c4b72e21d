"""What the search indexes derive from the database: a queue of papers to (re)index, and
the stored embeddings that the vector index is built from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from paperfeed.db.base import Base, UTCDateTime


class SearchOutbox(Base):
    """One row per paper written (added or updated): the change sequence every host's
    keyword index follows with its own cursor (kept with the index), never consumed.

    Written in the same transaction as the paper (on PostgreSQL under a lock held to the
    commit, so seqs become visible in order and no cursor passes a later-committing one);
    old rows are pruned below a horizon (outbox_horizon) a lagging host rebuilds from."""

    __tablename__ = "search_outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    arxiv_id: Mapped[str] = mapped_column(String(64))


class OutboxHorizon(Base):
    """The highest search_outbox seq pruned (one row): a host whose keyword index is older
    than this has missed changes and rebuilds from the papers table."""

    __tablename__ = "outbox_horizon"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    pruned_through: Mapped[int] = mapped_column(BigInteger)


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
