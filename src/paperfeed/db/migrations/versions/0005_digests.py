"""digests: subscriptions and deliveries

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 00:28:05.804040
"""

import sqlalchemy as sa
from alembic import op

import paperfeed.db.base

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("suspended_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("frequency", sa.String(length=8), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("max_papers", sa.Integer(), nullable=False),
        sa.Column("trending", sa.Boolean(), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("authors", sa.Text(), nullable=False),
        sa.Column("skip_empty", sa.Boolean(), nullable=False),
        sa.Column("refusals", sa.Integer(), nullable=False),
        sa.Column("created_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_digest_subscriptions_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_subscriptions")),
        sa.UniqueConstraint("email", name=op.f("uq_digest_subscriptions_email")),
    )
    op.create_table(
        "digest_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("papers", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", paperfeed.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["digest_subscriptions.id"],
            name=op.f("fk_digest_deliveries_subscription_id_digest_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_deliveries")),
        sa.UniqueConstraint(
            "subscription_id", "period", name=op.f("uq_digest_deliveries_subscription_id")
        ),
    )
    with op.batch_alter_table("digest_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_digest_deliveries_status_next", ["status", "next_attempt_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("digest_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_digest_deliveries_status_next")

    op.drop_table("digest_deliveries")
    op.drop_table("digest_subscriptions")
