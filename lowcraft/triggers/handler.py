"""Database work of workflow triggers that trusts its caller: finding a webhook by its token,
recording deliveries, claiming schedule fire times. No permission checks."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lowcraft.identity.secrets import token_hash
from lowcraft.triggers.errors import WebhookRefused, WebhookReplayed
from lowcraft.triggers.models import ScheduleFire, WebhookDelivery, WorkflowSchedule, WorkflowWebhook

MAX_DELIVERY_ID = 200


def webhook_for(db: Session, workflow_id: str, token: str) -> WorkflowWebhook:
    """The workflow's webhook if `token` is its current token; the same refusal for a wrong,
    rotated or revoked token and for an unknown workflow, so ids cannot be probed."""
    hook = db.scalar(select(WorkflowWebhook).where(WorkflowWebhook.token_hash == token_hash(token)))
    if not token or hook is None or hook.workflow_id != workflow_id:
        raise WebhookRefused("This webhook URL and token do not match a workflow's webhook.")
    return hook


def record_delivery(db: Session, workflow_id: str, delivery_id: str, now: datetime, window: timedelta) -> WebhookDelivery:
    """Remember the caller's delivery id; WebhookReplayed if it was accepted within `window`.

    The row's primary key makes two concurrent calls with one id conflict: one commits, the other's
    flush fails and it is refused too.
    """
    key = hashlib.sha256(delivery_id.encode()).hexdigest()
    seen = db.get(WebhookDelivery, (workflow_id, key))
    if seen is not None:
        if now - seen.received_at <= window:
            raise WebhookReplayed("A call with this delivery id was already accepted.",
                                  details={"receivedAt": seen.received_at.isoformat()})
        db.delete(seen)
        db.flush()
    row = WebhookDelivery(workflow_id=workflow_id, delivery_id=key, received_at=now)
    db.add(row)
    try:
        db.flush()
    except IntegrityError:
        raise WebhookReplayed("A call with this delivery id was already accepted.") from None
    return row


def purge_deliveries(db: Session, before: datetime) -> int:
    result = db.execute(delete(WebhookDelivery).where(WebhookDelivery.received_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


def enabled_schedules(db: Session) -> list[WorkflowSchedule]:
    return list(db.scalars(select(WorkflowSchedule).where(WorkflowSchedule.enabled.is_(True))).all())


def claim_fire(db: Session, schedule: WorkflowSchedule, fire_at: datetime, replica: str) -> ScheduleFire | None:
    """Insert the (workflow, fire time) row and commit: the fire time is this replica's to run.
    None when another replica's row is there first (its INSERT committed, ours conflicts)."""
    if db.get(ScheduleFire, (schedule.workflow_id, fire_at)) is not None:
        schedule.last_fire_at = fire_at
        db.commit()
        return None
    fire = ScheduleFire(workflow_id=schedule.workflow_id, fire_at=fire_at, claimed_by=replica)
    db.add(fire)
    schedule.last_fire_at = fire_at
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        return None
    return fire
