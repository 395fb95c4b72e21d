"""member marks: a per-member counter moved by their votes and library saves

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# the tables whose rows mark a paper as a member's own on every page (vote and save buttons)
WATCHED = ("votes", "library_items")
BUMP = "UPDATE users SET marks_version = marks_version + 1 WHERE id = {row}.user_id"


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("marks_version", sa.BigInteger(), nullable=False, server_default="0")
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION pf_bump_marks() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP <> 'INSERT' THEN {BUMP.format(row='OLD')}; END IF; "
            f"IF TG_OP <> 'DELETE' THEN {BUMP.format(row='NEW')}; END IF; "
            "RETURN NULL; END $$"
        )
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER pf_marks_{table} AFTER INSERT OR UPDATE OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION pf_bump_marks()"
            )
        return
    for table in WATCHED:
        op.execute(
            f"CREATE TRIGGER pf_marks_{table}_insert AFTER INSERT ON {table} "
            f"BEGIN {BUMP.format(row='NEW')}; END"
        )
        op.execute(
            f"CREATE TRIGGER pf_marks_{table}_delete AFTER DELETE ON {table} "
            f"BEGIN {BUMP.format(row='OLD')}; END"
        )
        op.execute(
            f"CREATE TRIGGER pf_marks_{table}_update AFTER UPDATE ON {table} "
            f"BEGIN {BUMP.format(row='OLD')}; {BUMP.format(row='NEW')}; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS pf_marks_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS pf_bump_marks()")
    else:
        for table in WATCHED:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS pf_marks_{table}_{event}")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("marks_version")
