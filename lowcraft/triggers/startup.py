"""The schedule ticker every server runs, and what the housekeeping asks of triggers, without
loading them.

Each tick first asks the store, with one query, whether any schedule is enabled; only then does
it load the scheduler (cron parsing, the trigger models and the workflow service) and look for
due fire times. A server whose instance has no schedule never loads them (bench/startup.py), and
a schedule created on any replica is seen at the next tick of every replica.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket

from sqlalchemy import Boolean, column, exists, select, table

from lowcraft.runtime import Runtime
from lowcraft.store.db import Database

log = logging.getLogger("lowcraft.workflows.schedule")
REPLICA = f"{socket.gethostname()}:{os.getpid()}"
"""This process, as fire-time claims name it."""

_SCHEDULES = table("workflow_schedules", column("enabled", Boolean))
_DELIVERIES = table("workflow_webhook_deliveries")


def has_enabled_schedules(db: Database) -> bool:
    with db.engine.connect() as conn:
        return bool(conn.scalar(select(exists().where(_SCHEDULES.c.enabled.is_(True)))))


def has_deliveries(db: Database) -> bool:
    """Whether any webhook delivery id is remembered (the replay-window purge has work only then)."""
    with db.engine.connect() as conn:
        return bool(conn.scalar(select(exists().select_from(_DELIVERIES))))


def _tick(runtime: Runtime) -> None:
    if has_enabled_schedules(runtime.db):
        from lowcraft.triggers import scheduler  # loaded once a schedule exists

        scheduler.tick(runtime)


async def run_forever(runtime: Runtime) -> None:
    """Tick every `LOWCRAFT_WORKFLOW_SCHEDULE_TICK_SECONDS`, from the start, until cancelled."""
    every = runtime.settings.workflow_schedule_tick_seconds
    log.info("workflow schedules: checking every %.1f s as %s", every, REPLICA)
    while True:
        try:
            await asyncio.to_thread(_tick, runtime)
        except Exception:
            log.exception("schedule tick failed")
        await asyncio.sleep(every)
