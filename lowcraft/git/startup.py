"""What a server start asks of Git sync: whether the operation journal needs its recovery pass.

Answered with one query on the journal's table, without the Git models, service or routes: on an
instance where no operation waits (nearly every start) none of `lowcraft.git` loads until a Git
route is used (bench/startup.py).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import column, exists, or_, select, table

from lowcraft.store.db import Database
from lowcraft.store.types import UTCDateTime, utcnow

JOURNAL_DAYS = 30
"""Finished journal rows are kept this long (for support), then dropped at a start."""

_OPERATIONS = table("git_operations", column("state"), column("updated_at", UTCDateTime))


def recovery_due(db: Database) -> bool:
    """Whether the journal holds an operation a killed process left `started`, or finished rows
    past `JOURNAL_DAYS`: what `lowcraft.git.recovery.recover` finishes or drops."""
    cutoff = utcnow() - timedelta(days=JOURNAL_DAYS)
    waiting = or_(_OPERATIONS.c.state == "started", _OPERATIONS.c.updated_at < cutoff)
    with db.engine.connect() as conn:
        return bool(conn.scalar(select(exists().where(waiting))))
