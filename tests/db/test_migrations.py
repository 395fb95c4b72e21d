"""Alembic migrations and the models describe the same schema, on both databases."""

from sqlalchemy import Engine

from paperfeed.db.migrate import current_revision, head_revision, schema_differences


def test_migrated_schema_matches_models(engine: Engine) -> None:
    assert current_revision(engine) == head_revision(engine)
    assert schema_differences(engine) == []
