"""Workflow triggers for developers (webhook token: make, rotate, revoke; the schedule: set,
remove) and for callers (a webhook call starts a run).

Developers of the workflow's application manage its triggers; every change is audited (the
token never is). A webhook call carries no user: the token is the credential, and the run starts
as the workflow's own (`trigger="webhook"`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lowcraft.appmodel.models import Application
from lowcraft.audit.handler import record
from lowcraft.context import Context
from lowcraft.identity.secrets import new_token, token_hash
from lowcraft.store.types import utcnow
from lowcraft.triggers import cron, handler
from lowcraft.triggers.engine import Workflow, load_workflow, start_run
from lowcraft.triggers.errors import InvalidWebhookBody
from lowcraft.triggers.models import WorkflowSchedule, WorkflowWebhook
from lowcraft.workspaces.permissions import Role, require_app

WEBHOOK_TOKEN_PREFIX = "lcwh_"


def webhook_path(workflow_id: str) -> str:
    return f"/api/v1/hooks/workflows/{workflow_id}"


def _developed(ctx: Context, workflow_id: str) -> tuple[Workflow, Application]:
    workflow = load_workflow(ctx.db, workflow_id)
    app, _ = require_app(ctx, workflow.application_id, Role.DEVELOPER, missing=_missing())
    return workflow, app


def _missing() -> Any:
    from lowcraft.triggers.engine import WorkflowNotFound

    return WorkflowNotFound("Workflow not found.")


@dataclass(frozen=True)
class Triggers:
    workflow: Workflow
    webhook: WorkflowWebhook | None
    schedule: WorkflowSchedule | None


def get_triggers(ctx: Context, workflow_id: str) -> Triggers:
    workflow, _ = _developed(ctx, workflow_id)
    return _triggers_of(ctx, workflow)


def _triggers_of(ctx: Context, workflow: Workflow) -> Triggers:
    from sqlalchemy import select

    hook = ctx.db.scalar(select(WorkflowWebhook).where(WorkflowWebhook.workflow_id == workflow.id))
    schedule = ctx.db.scalar(select(WorkflowSchedule).where(WorkflowSchedule.workflow_id == workflow.id))
    return Triggers(workflow, hook, schedule)


def make_webhook_token(ctx: Context, workflow_id: str) -> tuple[WorkflowWebhook, str]:
    """A new token for the workflow's webhook (made, or rotated: the old token stops working at
    once). The token is returned here only; the store keeps its hash."""
    workflow, app = _developed(ctx, workflow_id)
    existing = _triggers_of(ctx, workflow).webhook
    token = new_token(WEBHOOK_TOKEN_PREFIX)
    if existing is None:
        hook = WorkflowWebhook(workflow_id=workflow.id, token_hash=token_hash(token), prefix=token[:12],
                               created_by=ctx.user.id if ctx.user else None)
        ctx.db.add(hook)
    else:
        hook = existing
        hook.token_hash, hook.prefix, hook.last_used_at = token_hash(token), token[:12], None
        hook.created_by = ctx.user.id if ctx.user else None
    ctx.db.flush()
    record(ctx, "workflow.webhook_rotated" if existing else "workflow.webhook_created", "workflow", workflow.id,
           workflow.name, workspace_id=app.workspace_id, summary={"prefix": hook.prefix})
    return hook, token


def revoke_webhook(ctx: Context, workflow_id: str) -> None:
    workflow, app = _developed(ctx, workflow_id)
    hook = _triggers_of(ctx, workflow).webhook
    if hook is None:
        return
    ctx.db.delete(hook)
    record(ctx, "workflow.webhook_revoked", "workflow", workflow.id, workflow.name,
           workspace_id=app.workspace_id, summary={"prefix": hook.prefix})


def set_schedule(ctx: Context, workflow_id: str, expression: str, timezone: str, missed_runs: str,
                 enabled: bool) -> WorkflowSchedule:
    workflow, app = _developed(ctx, workflow_id)
    text = cron.check(expression, timezone, missed_runs)
    schedule = _triggers_of(ctx, workflow).schedule
    if schedule is None:
        schedule = WorkflowSchedule(workflow_id=workflow.id)
        ctx.db.add(schedule)
    changed = (schedule.cron, schedule.timezone) != (text, timezone) or not schedule.enabled
    schedule.cron, schedule.timezone, schedule.missed_runs, schedule.enabled = text, timezone, missed_runs, enabled
    if changed or schedule.last_fire_at is None:
        # Fire times before the schedule was saved are not "missed": they were never scheduled.
        schedule.last_fire_at = utcnow()
    ctx.db.flush()
    record(ctx, "workflow.schedule_set", "workflow", workflow.id, workflow.name, workspace_id=app.workspace_id,
           summary={"cron": text, "timezone": timezone, "missedRuns": missed_runs, "enabled": enabled})
    return schedule


def remove_schedule(ctx: Context, workflow_id: str) -> None:
    workflow, app = _developed(ctx, workflow_id)
    schedule = _triggers_of(ctx, workflow).schedule
    if schedule is None:
        return
    ctx.db.delete(schedule)
    record(ctx, "workflow.schedule_removed", "workflow", workflow.id, workflow.name, workspace_id=app.workspace_id)


def next_fire(schedule: WorkflowSchedule) -> datetime | None:
    if not schedule.enabled:
        return None
    return cron.next_fire(schedule.cron, schedule.timezone, utcnow())


def receive_webhook(ctx: Context, workflow_id: str, token: str, body: bytes, delivery_id: str | None) -> str:
    """Start a run of the workflow with the call's JSON body as its input; the run's id.

    Checked in this order, each refusal leaving nothing behind (the request's one transaction):
    the token (401), the body (the size was checked while reading it; 400 for non-JSON), the
    delivery id (409 when replayed within the window).
    """
    hook = handler.webhook_for(ctx.db, workflow_id, token)
    try:
        payload = json.loads(body) if body.strip() else {}
    except (ValueError, UnicodeDecodeError):
        raise InvalidWebhookBody("A webhook's body must be JSON (or empty).") from None
    now = utcnow()
    delivery = None
    if delivery_id:
        if len(delivery_id) > handler.MAX_DELIVERY_ID:
            raise InvalidWebhookBody(f"A delivery id has at most {handler.MAX_DELIVERY_ID} characters.",
                                     details={"field": "Idempotency-Key"})
        window = timedelta(hours=ctx.runtime.settings.workflow_webhook_replay_hours)
        delivery = handler.record_delivery(ctx.db, workflow_id, delivery_id, now, window)
    hook.last_used_at = now
    workflow = load_workflow(ctx.db, workflow_id)
    run_id = start_run(ctx, workflow, payload, trigger="webhook")
    if delivery is not None:
        delivery.run_id = run_id
    return run_id


def purge_deliveries(ctx: Context) -> int:
    """Forget delivery ids older than the replay window (housekeeping)."""
    window = timedelta(hours=ctx.runtime.settings.workflow_webhook_replay_hours)
    return handler.purge_deliveries(ctx.db, utcnow() - window)
