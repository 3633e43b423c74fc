"""The tables of workflow runs: a run, the steps it recorded, and the requests it waits on.

A workflow itself is a JS object (`appmodel.models.JsObject`) with an `executeWorkflow` function:
the editor's JS editor edits it unchanged, and no column marks it. A run keeps a snapshot of the
workflow's code and of its page's queries taken when it started (`definition`), so editing the
workflow never changes a run in flight and a replay of the script is deterministic.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lowcraft.store.base import Base, IdMixin, TimestampMixin
from lowcraft.store.types import IdType, JSONType, UTCDateTime, utcnow

RUN_STATUSES = ("queued", "running", "waiting", "succeeded", "failed", "cancelled")
UNFINISHED = ("queued", "running", "waiting")


class WorkflowRun(IdMixin, TimestampMixin, Base):
    __tablename__ = "workflow_runs"
    __table_args__ = (
        Index("ix_workflow_runs_app_created", "application_id", "created_at"),
        Index("ix_workflow_runs_status", "status"),
    )

    application_id: Mapped[str] = mapped_column(IdType, ForeignKey("applications.id", ondelete="CASCADE"))
    workflow_id: Mapped[str] = mapped_column(IdType, index=True)
    """The JS object's id (no foreign key: runs outlive a deleted workflow until retention drops them)."""
    workflow_name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    """manual | app | webhook | schedule | api"""
    mode: Mapped[str] = mapped_column(String(10), default="edit")
    """edit: the workflow and queries as saved in the editor; view: as last published."""
    environment: Mapped[str] = mapped_column(String(20), default="production")
    input: Mapped[Any] = mapped_column(JSONType, nullable=True)
    output: Mapped[Any] = mapped_column(JSONType, nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    """{"message", "step": index or null, "stepName", "kind"} of a failed run."""
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    """{"code": the JS object's body, "actions": {name: {"datasourceId", "connector", "config", "settings", "bindings"}}}"""
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    """1 + the number of retries."""
    turn: Mapped[int] = mapped_column(Integer, default=1)
    """How many times the run was handed to the engine (start, each decision, each retry): the DBOS
    workflow that advances it is `{id}.{turn}`. A run waiting for a decision holds no thread."""
    started_by: Mapped[str | None] = mapped_column(IdType, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WorkflowStep(Base):
    """One step a run took, in the order the script asked for them (`index` from 0)."""

    __tablename__ = "workflow_steps"

    run_id: Mapped[str] = mapped_column(IdType, ForeignKey("workflow_runs.id", ondelete="CASCADE"), primary_key=True)
    index: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    """query | request | sleep | http"""
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="running")
    """running | waiting | succeeded | failed"""
    args: Mapped[Any] = mapped_column(JSONType, nullable=True)
    result: Mapped[Any] = mapped_column(JSONType, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WorkflowRequest(IdMixin, Base):
    """A human decision a run waits for (`lowcraft.workflows.assignRequest`)."""

    __tablename__ = "workflow_requests"
    __table_args__ = (Index("ix_workflow_requests_app_status", "application_id", "status"),)

    run_id: Mapped[str] = mapped_column(IdType, ForeignKey("workflow_runs.id", ondelete="CASCADE"), index=True)
    step_index: Mapped[int] = mapped_column(Integer)
    application_id: Mapped[str] = mapped_column(IdType, ForeignKey("applications.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text, default="")
    resolutions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    users: Mapped[list[str]] = mapped_column(JSONType, default=list)
    """Email addresses (lower-cased) of the users who may resolve it."""
    groups: Mapped[list[str]] = mapped_column(JSONType, default=list)
    """Names (lower-cased) of the SCIM groups whose members may resolve it."""
    request_metadata: Mapped[Any] = mapped_column("metadata", JSONType, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    """pending | resolved | cancelled"""
    resolution: Mapped[str | None] = mapped_column(String(200), nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(IdType, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkflowExecutor(Base):
    """A replica executing runs (PostgreSQL): the last time it said it was alive. A replica silent for
    longer than `LOWCRAFT_WORKFLOW_EXECUTOR_TIMEOUT_SECONDS` is taken over: a live replica deletes its
    row (one replica wins the delete) and resumes the runs it was advancing."""

    __tablename__ = "workflow_executors"

    executor_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
