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

from sqlalchemy import select

from lowcraft.appmodel.models import Application, JsObject
from lowcraft.audit.handler import record
from lowcraft.context import Context
from lowcraft.identity.secrets import new_token, token_hash
from lowcraft.store.types import utcnow
from lowcraft.triggers import cron, handler
from lowcraft.triggers.errors import InvalidWebhookBody, WorkflowNotFound
from lowcraft.triggers.models import WorkflowSchedule, WorkflowWebhook
from lowcraft.workflows import handler as workflows
from lowcraft.workspaces.permissions import Role, require_app

WEBHOOK_TOKEN_PREFIX = "lcwh_"


def webhook_path(workflow_id: str) -> str:
    return f"/api/v1/hooks/workflows/{workflow_id}"


def _missing() -> WorkflowNotFound:
    return WorkflowNotFound("Workflow not found (a workflow is a JS object with an executeWorkflow function).")


def _developed(ctx: Context, workflow_id: str) -> tuple[JsObject, Application]:
    workflow = ctx.db.get(JsObject, workflow_id)
    if workflow is None or not workflows.is_workflow(workflow.body):
        raise _missing()
    app, _ = require_app(ctx, workflow.application_id, Role.DEVELOPER, missing=_missing())
    return workflow, app


@dataclass(frozen=True)
class Triggers:
    workflow: JsObject
    webhook: WorkflowWebhook | None
    schedule: WorkflowSchedule | None


def get_triggers(ctx: Context, workflow_id: str) -> Triggers:
    workflow, _ = _developed(ctx, workflow_id)
    return _triggers_of(ctx, workflow)


def _triggers_of(ctx: Context, workflow: JsObject) -> Triggers:
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
    the token (401), the body (the size was checked while reading it; 422 for non-JSON), the
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
    run_id = start_triggered(ctx, workflow_id, payload, trigger="webhook")
    if delivery is not None:
        delivery.run_id = run_id
    return run_id


def start_triggered(ctx: Context, workflow_id: str, data: Any, *, trigger: str) -> str:
    """Queue a run of the *published* workflow for a webhook call or a schedule, whose credential
    (the token, the schedule a developer saved) was checked by the caller; the run's id.
    An application not published (or published without this workflow) runs nothing: 404."""
    workflow = ctx.db.get(JsObject, workflow_id)
    app = ctx.db.get(Application, workflow.application_id) if workflow is not None else None
    if workflow is None or app is None or app.deleted_at is not None or not workflows.is_workflow(workflow.body):
        raise _missing()
    return workflows.create_run(ctx, app, workflow, data, trigger=trigger, mode="view").id


def purge_deliveries(ctx: Context) -> int:
    """Forget delivery ids older than the replay window (housekeeping)."""
    window = timedelta(hours=ctx.runtime.settings.workflow_webhook_replay_hours)
    return handler.purge_deliveries(ctx.db, utcnow() - window)
