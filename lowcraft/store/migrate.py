"""Applying Alembic migrations: on start, by `lowcraft migrate`, and once among many replicas.

Whether the store is current is answered without Alembic (reading the migration files' revision
ids and the `alembic_version` table): importing Alembic costs about a third of a second, which a
server start on an up-to-date store (the common case) does not need to pay.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from lowcraft.store.db import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent.parent / "migrations"
# Any fixed number; replicas starting together serialise on this PostgreSQL advisory lock.
_LOCK_ID = 0x10C0C4AF7
_REVISION = re.compile(r"^revision\s*=\s*['\"](\w+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*=\s*(.+)$", re.MULTILINE)


def alembic_config(db: Database) -> Config:
    from alembic.config import Config  # noqa: PLC0415 - Alembic is loaded only to migrate

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


@cache
def _head_from_files() -> str:
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text()
        revision = _REVISION.search(source)
        down = _DOWN_REVISION.search(source)
        if revision is None or down is None:
            raise RuntimeError(f"migration {path.name} names no revision/down_revision")
        revisions.add(revision.group(1))
        parents.update(re.findall(r"['\"](\w+)['\"]", down.group(1)))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migrations must have exactly one head, found {sorted(heads)}")
    return heads.pop()


def head_revision(db: Database | None = None) -> str:
    """The newest revision this Lowcraft knows."""
    return _head_from_files()


def current_revision(conn: Connection) -> str | None:
    """The store's revision, None for a store never migrated."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_up_to_date(db: Database) -> bool:
    with db.engine.connect() as conn:
        return current_revision(conn) == head_revision()


@contextmanager
def _migration_lock(db: Database) -> Iterator[None]:
    if db.is_sqlite:
        yield
        return
    with db.engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _LOCK_ID})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _LOCK_ID})
            conn.commit()


def upgrade(db: Database) -> bool:
    """Bring the store to the newest revision; returns whether anything was applied."""
    if is_up_to_date(db):
        return False
    with _migration_lock(db):
        # Another replica may have finished while this one waited for the lock.
        if is_up_to_date(db):
            return False
        from alembic import command  # noqa: PLC0415 - see the module docstring

        cfg = alembic_config(db)
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    return True
