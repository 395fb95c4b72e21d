"""search: the keyword-index outbox and stored embeddings

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 00:15:25.180436
"""

import sqlalchemy as sa
from alembic import op

import paperfeed.db.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("arxiv_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_search_outbox")),
    )
    op.create_table(
        "paper_embeddings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name=op.f("fk_paper_embeddings_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_embeddings")),
        sa.UniqueConstraint("paper_id", "model", name=op.f("uq_paper_embeddings_paper_id")),
    )
    # papers stored before this revision: queue them for the keyword index
    op.execute("INSERT INTO search_outbox (arxiv_id) SELECT arxiv_id FROM papers ORDER BY id")


def downgrade() -> None:
    op.drop_table("paper_embeddings")
    op.drop_table("search_outbox")
