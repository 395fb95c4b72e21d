"""initial schema: papers and ingestion checkpoints

Revision ID: 0001
Revises:
Create Date: 2026-11-25 22:11:28.978904
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import paperfeed.db.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_checkpoints",
        sa.Column("key", sa.String(length=700), nullable=False),
        sa.Column(
            "position",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("updated_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_ingest_checkpoints")),
    )
    op.create_table(
        "papers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("arxiv_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column(
            "authors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("categories", sa.String(length=512), nullable=False),
        sa.Column("primary_category", sa.String(length=64), nullable=True),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("journal_ref", sa.Text(), nullable=True),
        sa.Column("doi", sa.Text(), nullable=True),
        sa.Column("report_no", sa.Text(), nullable=True),
        sa.Column("license", sa.Text(), nullable=True),
        sa.Column("submitter", sa.Text(), nullable=True),
        sa.Column("published_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "versions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("metadata_date", sa.Date(), nullable=True),
        sa.Column("feed_date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("created_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_papers")),
        sa.UniqueConstraint("arxiv_id", name=op.f("uq_papers_arxiv_id")),
    )
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.create_index("ix_papers_feed_date", ["feed_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.drop_index("ix_papers_feed_date")

    op.drop_table("papers")
    op.drop_table("ingest_checkpoints")
