"""Alembic environment: runs against the engine handed in by paperfeed.db.migrate."""

from alembic import context
from sqlalchemy import create_engine

from paperfeed.db.models import Base

config = context.config
engine = config.attributes.get("engine") or create_engine(
    config.get_main_option("sqlalchemy.url") or ""
)

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    context.run_migrations()
