"""The schedule ticker: every `LOWCRAFT_WORKFLOW_SCHEDULE_TICK_SECONDS` each replica looks for
due schedules and starts a run for each fire time it claims.

Replicas never fire one time twice: a fire time is claimed by inserting its
`workflow_schedule_fires` row (primary key: workflow, fire time) and committing; a replica whose
INSERT conflicts has lost the claim and starts nothing. A claimed fire time whose run could not
start (the workflow was deleted meanwhile, the engine refused) is logged and not retried: a
schedule fires at most once per fire time.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from lowcraft.context import Context
from lowcraft.runtime import Runtime
from lowcraft.store.types import utcnow
from lowcraft.triggers import cron, handler
from lowcraft.triggers.service import start_triggered
from lowcraft.triggers.startup import REPLICA

log = logging.getLogger("lowcraft.workflows.schedule")


def grace(tick_seconds: float) -> timedelta:
    """How late a fire time may be noticed and still count as on time (policy `skip`)."""
    return timedelta(seconds=max(60.0, 3 * tick_seconds))


def tick(runtime: Runtime, now: datetime | None = None, replica: str = REPLICA) -> list[tuple[str, datetime, str]]:
    """One look at every enabled schedule: (workflow id, fire time, run id) of each run started here."""
    now = now or utcnow()
    started: list[tuple[str, datetime, str]] = []
    window = grace(runtime.settings.workflow_schedule_tick_seconds)
    with runtime.db.session() as db:
        for schedule in handler.enabled_schedules(db):
            last = schedule.last_fire_at or schedule.created_at
            try:
                fire_at = cron.due(schedule.cron, schedule.timezone, schedule.missed_runs, last, now, window)
            except Exception:
                log.exception("schedule of workflow %s cannot be read", schedule.workflow_id)
                continue
            if fire_at is None:
                continue
            fire = handler.claim_fire(db, schedule, fire_at, replica)
            if fire is None:
                continue
            try:
                ctx = Context(runtime=runtime, db=db, via="schedule")
                run_id = start_triggered(ctx, schedule.workflow_id, {"scheduledAt": fire_at.isoformat()}, trigger="schedule")
                fire.run_id = run_id
                db.commit()
                started.append((schedule.workflow_id, fire_at, run_id))
            except Exception:
                db.rollback()
                log.exception("scheduled run of workflow %s at %s did not start", schedule.workflow_id, fire_at)
    return started

