"""What a server start (and the hourly housekeeping) asks of workflows, without loading them.

Whether runs wait for the engine, and whether there are runs at all, answered with one query each
on the runs table: on an instance without workflow runs, neither the workflow models and service
nor the engine (DBOS, V8) load until a workflow is used (bench/startup.py).
"""

from __future__ import annotations

from sqlalchemy import column, exists, select, table

from lowcraft.store.db import Database

UNFINISHED = ("queued", "running", "waiting")
"""Run statuses the engine still owes work (`models.UNFINISHED` is this tuple)."""

_RUNS = table("workflow_runs", column("status"))


def _any(db: Database, query: object) -> bool:
    with db.engine.connect() as conn:
        return bool(conn.scalar(query))  # type: ignore[call-overload]


def has_unfinished_runs(db: Database) -> bool:
    """Whether a run is queued, running or waiting: the engine must launch to resume it."""
    return _any(db, select(exists().where(_RUNS.c.status.in_(UNFINISHED))))


def has_runs(db: Database) -> bool:
    """Whether any run is stored, finished or not (the retention purge has work only then)."""
    return _any(db, select(exists().select_from(_RUNS)))
