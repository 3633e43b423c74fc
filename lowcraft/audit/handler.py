"""Recording and reading the audit log: database work only, no permission checks.

Services check who may read the log (`lowcraft.workspaces.service.list_audit_events`) before
calling `find_events`.

`record` joins the caller's transaction: an event exists exactly when its change was committed.
Summaries are built by services from names and changed fields; secrets never reach them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from lowcraft.audit.models import AuditEvent
from lowcraft.context import Context
from lowcraft.errors import ValidationFailed

_SECRET_HINTS = ("password", "secret", "token", "key", "credential")


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: ("***" if any(h in k.lower() for h in _SECRET_HINTS) else _scrub(v)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def record(
    ctx: Context,
    action: str,
    target_type: str,
    target_id: str | None = None,
    target_name: str = "",
    *,
    workspace_id: str | None = None,
    summary: dict[str, Any] | None = None,
) -> None:
    ctx.db.add(
        AuditEvent(
            workspace_id=workspace_id,
            actor_id=ctx.user.id if ctx.user else None,
            actor_email=ctx.user.email if ctx.user else "",
            action=action,
            target_type=target_type,
            target_id=target_id,
            target_name=target_name[:200],
            summary=_scrub(summary or {}),
            client_address=ctx.client_address[:64],
        )
    )


def _aware(moment: datetime | None, field: str) -> datetime | None:
    """Query times without a zone are taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+02:00 is before the first representable UTC time
        raise ValidationFailed(f"{field} is out of range.", details={"field": field}) from None


@dataclass(frozen=True)
class EventQuery:
    """Which events of a workspace's audit log to read: filters (all optional) and the page."""

    action: str | None = None
    actor: str | None = None
    target_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    page: int = 1
    per_page: int = 50


def find_events(ctx: Context, workspace_id: str, query: EventQuery) -> tuple[list[AuditEvent], int]:
    """A page of the workspace's events, newest first, and the number of matching events."""
    since, until = _aware(query.since, "since"), _aware(query.until, "until")
    conditions = [AuditEvent.workspace_id == workspace_id]
    if query.action:
        conditions.append(AuditEvent.action == query.action)
    if query.actor:
        conditions.append(AuditEvent.actor_email == query.actor.lower())
    if query.target_type:
        conditions.append(AuditEvent.target_type == query.target_type)
    if since:
        conditions.append(AuditEvent.created_at >= since)
    if until:
        conditions.append(AuditEvent.created_at < until)
    total = ctx.db.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    rows = ctx.db.scalars(
        select(AuditEvent)
        .where(*conditions)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id)
        .offset((query.page - 1) * query.per_page)
        .limit(query.per_page)
    ).all()
    return list(rows), total
