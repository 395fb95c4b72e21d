"""fleet: periodic runs claimed once per period; the search outbox kept for every host;
the digests' end-mark journal shared by every sender

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import paperfeed.db.base

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("period", paperfeed.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column("started_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("alive_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
        sa.UniqueConstraint("name", "period", name="uq_job_runs_name_period"),
    )
    op.create_table(
        "outbox_horizon",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pruned_through", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_horizon")),
    )
    op.execute("INSERT INTO outbox_horizon (id, pruned_through) VALUES (1, 0)")
    op.create_table(
        "digest_marks",
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("token", "delivery_id", name=op.f("pk_digest_marks")),
    )


def downgrade() -> None:
    op.drop_table("digest_marks")
    op.drop_table("outbox_horizon")
    op.drop_table("job_runs")
