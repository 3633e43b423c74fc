"""The tables of workflow triggers.

- `WorkflowWebhook`: one per workflow; the token's SHA-256 (the token itself is shown once).
- `WebhookDelivery`: the ids callers sent (`Idempotency-Key` / `X-Lowcraft-Delivery`), so a
  replay inside the window is refused.
- `WorkflowSchedule`: one per workflow; a cron expression read in a time zone.
- `ScheduleFire`: one row per (workflow, fire time). Its primary key is the claim: of the
  replicas that see the same fire time due, the one whose INSERT commits starts the run.

A workflow is a JS object with an `executeWorkflow` function (`lowcraft.workflows`): `workflow_id`
is the JS object's id, and deleting it deletes its triggers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lowcraft.store.base import Base, IdMixin, TimestampMixin
from lowcraft.store.types import IdType, UTCDateTime, utcnow

MISSED_RUN_POLICIES = ("skip", "runOnce")


class WorkflowWebhook(IdMixin, TimestampMixin, Base):
    __tablename__ = "workflow_webhooks"

    workflow_id: Mapped[str] = mapped_column(IdType, ForeignKey("js_objects.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    """The token's first characters, so a person can tell which token a caller holds."""
    created_by: Mapped[str | None] = mapped_column(IdType, ForeignKey("users.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    __tablename__ = "workflow_webhook_deliveries"

    workflow_id: Mapped[str] = mapped_column(IdType, ForeignKey("js_objects.id", ondelete="CASCADE"), primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 of the caller's id (any length, any characters) as hex."""
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    run_id: Mapped[str | None] = mapped_column(String(100))


class WorkflowSchedule(IdMixin, TimestampMixin, Base):
    __tablename__ = "workflow_schedules"

    workflow_id: Mapped[str] = mapped_column(IdType, ForeignKey("js_objects.id", ondelete="CASCADE"), unique=True)
    cron: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    missed_runs: Mapped[str] = mapped_column(String(16), default="skip")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_fire_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """The latest fire time claimed (by any replica); fire times after it are due next."""


class ScheduleFire(Base):
    __tablename__ = "workflow_schedule_fires"

    workflow_id: Mapped[str] = mapped_column(IdType, ForeignKey("js_objects.id", ondelete="CASCADE"), primary_key=True)
    fire_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    run_id: Mapped[str | None] = mapped_column(String(100))
