"""The store's schema comes from Alembic migrations, identically on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from lowcraft.store.base import Base
from lowcraft.store.db import Database
from lowcraft.store.migrate import head_revision, is_up_to_date, upgrade


def test_migrations_bring_the_store_to_head_and_are_idempotent(database_url: str) -> None:
    db = Database(database_url)
    try:
        upgrade(db)
        assert is_up_to_date(db)
        assert upgrade(db) is False
        assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())
        assert head_revision(db)
    finally:
        db.dispose()


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    """A model change without its migration fails here."""
    db = Database(database_url)
    try:
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
    finally:
        db.dispose()
