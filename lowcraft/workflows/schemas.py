"""Response models of the workflow routes: workflows, runs with their steps, requests."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from lowcraft.http.openapi import Out


class WorkflowOut(Out):
    """A workflow: a JS object with an `executeWorkflow` function."""

    id: str
    name: str
    page_id: str = Field(alias="pageId")


class WorkflowList(Out):
    workflows: list[WorkflowOut]


class StepOut(Out):
    """One step of a run's timeline."""

    index: int
    kind: str = Field(description="query | http | sleep | request")
    name: str
    status: str = Field(description="running | waiting | succeeded | failed | retrying")
    args: Any = Field(None, description="What the script passed (secret-looking keys masked).")
    result: Any = Field(None, description="The step's result (secret-looking keys masked).")
    error: str | None = None
    attempts: int
    started_at: str = Field(alias="startedAt")
    finished_at: str | None = Field(None, alias="finishedAt")


class RequestOut(Out):
    """A decision a run waits for (or waited for)."""

    id: str
    run_id: str = Field(alias="runId")
    application_id: str = Field(alias="applicationId")
    name: str
    message: str
    resolutions: list[str]
    users: list[str] = Field(description="Email addresses of the assigned users.")
    groups: list[str] = Field(description="Names of the assigned groups.")
    metadata: Any = None
    status: str = Field(description="pending | resolved | cancelled")
    resolution: str | None = None
    comment: str | None = None
    resolved_by: str | None = Field(None, alias="resolvedBy")
    resolved_at: str | None = Field(None, alias="resolvedAt")
    created_at: str = Field(alias="createdAt")


class RequestList(Out):
    requests: list[RequestOut]


class RunError(Out):
    """Where and why a run failed."""

    message: str
    step: int | None = Field(None, description="The failing step's index, when a step failed.")
    step_name: str | None = Field(None, alias="stepName")
    kind: str | None = None


class RunOut(Out):
    """A run; App Viewers reading a run they started get only its id, status, output and error."""

    id: str
    status: str = Field(description="queued | running | waiting | succeeded | failed | cancelled")
    output: Any = None
    error: RunError | None = Field(None, description="Where and why a failed run failed.")
    created_at: str = Field(alias="createdAt")
    finished_at: str | None = Field(None, alias="finishedAt")
    application_id: str | None = Field(None, alias="applicationId")
    workflow_id: str | None = Field(None, alias="workflowId")
    workflow_name: str | None = Field(None, alias="workflowName")
    trigger: str | None = None
    mode: str | None = None
    environment: str | None = None
    input: Any = None
    attempt: int | None = None
    started_by: str | None = Field(None, alias="startedBy")
    started_at: str | None = Field(None, alias="startedAt")


class RunDetailOut(RunOut):
    steps: list[StepOut] = Field(default_factory=list)
    requests: list[RequestOut] = Field(default_factory=list)


class RunList(Out):
    runs: list[RunOut]
