"""site generation: a counter moved by every write that changes a public page

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# (table, events): the writes that change what a list, trending or paper page shows
WATCHED = (
    ("papers", ("INSERT", "UPDATE", "DELETE")),
    ("votes", ("INSERT", "UPDATE", "DELETE")),
    ("comments", ("INSERT", "UPDATE", "DELETE")),
    ("submissions", ("INSERT", "UPDATE", "DELETE")),
    ("repo_stars", ("INSERT", "UPDATE", "DELETE")),
    ("users", ("UPDATE OF display_name", "DELETE")),  # names shown on submissions, comments
)
# an upsert: the row may be gone (a test's TRUNCATE), the counter still moves
BUMP = (
    "INSERT INTO site_generation (id, value) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET value = site_generation.value + 1"
)


def _name(table: str, event: str) -> str:
    return f"pf_generation_{table}_{event.split()[0].lower()}"


def upgrade() -> None:
    op.create_table(
        "site_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_generation")),
    )
    op.execute("INSERT INTO site_generation (id, value) VALUES (1, 1)")
    if op.get_bind().dialect.name == "postgresql":
        # one bump per statement (a batch of 2,000 papers moves it once)
        op.execute(
            "CREATE FUNCTION pf_bump_generation() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for table, events in WATCHED:
            op.execute(
                f"CREATE TRIGGER pf_generation_{table} AFTER {' OR '.join(events)} "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION pf_bump_generation()"
            )
        return
    for table, events in WATCHED:  # SQLite has row triggers only
        for event in events:
            op.execute(
                f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} BEGIN {BUMP}; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, _events in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS pf_generation_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS pf_bump_generation()")
    else:
        for table, events in WATCHED:
            for event in events:
                op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)}")
    op.drop_table("site_generation")
