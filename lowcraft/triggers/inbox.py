"""What apps call: "Trigger workflow" (run and wait, or run and return the run's id) and the
requests inbox (the pending requests assigned to the caller; resolving one).

Permission checks and audit events are the workflow service's (`lowcraft.workflows.service`):
starting a run of the published workflow needs membership of the workspace (any role), of the
workflow as edited a Developer; only a request's assignees may resolve it, and each resolution
is audited there. This module finds the workflow an app names and shapes what apps read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from lowcraft.appmodel.models import JsObject
from lowcraft.context import Context
from lowcraft.runtime import Runtime
from lowcraft.triggers.errors import WorkflowNotFound
from lowcraft.workflows import handler as workflows
from lowcraft.workflows import service as runs
from lowcraft.workflows.models import WorkflowRequest, WorkflowRun
from lowcraft.workspaces.permissions import Role, require_app

WAIT_SECONDS = 60.0
"""Longest "run and wait" holds a request; a run still going then is answered with its status."""


@dataclass(frozen=True)
class Triggered:
    run_id: str
    status: str
    output: Any
    error: str | None


def _workflow_named(ctx: Context, application_id: str, workflow: str) -> JsObject:
    """The app's workflow by id or by name (names are per page: a name two pages use is ambiguous)."""
    require_app(ctx, application_id, Role.VIEWER, missing=WorkflowNotFound("Workflow not found."))
    found = [
        js for js in ctx.db.scalars(select(JsObject).where(
            JsObject.application_id == application_id, (JsObject.id == workflow) | (JsObject.name == workflow)))
        if workflows.is_workflow(js.body)
    ]
    if len(found) != 1:
        detail = "Two pages have a workflow of this name; name it by id." if found else "Workflow not found."
        raise WorkflowNotFound(detail, details={"workflow": workflow})
    return found[0]


def trigger(ctx: Context, application_id: str, workflow: str, data: Any, mode: str) -> str:
    """Queue a run (it starts when the caller's transaction commits); its id."""
    js = _workflow_named(ctx, application_id, workflow)
    return runs.start_run(ctx, application_id, js.id, data, mode=mode, trigger="app").id


def outcome(runtime: Runtime, run_id: str, wait: bool) -> Triggered:
    """The run's status (and output or error once finished), after waiting for it to end if asked."""
    run = runs.wait_for_run(runtime, run_id, WAIT_SECONDS if wait else 0.0)
    if run is None:
        return Triggered(run_id, "deleted", None, "The run no longer exists.")
    return Triggered(run.id, run.status, run.output if run.status == "succeeded" else None, _error(run))


def _error(run: WorkflowRun) -> str | None:
    if run.error is None:
        return None
    message = str(run.error.get("message", ""))
    step = run.error.get("stepName")
    return f"{step}: {message}" if step else message


def pending_for_me(ctx: Context, application_id: str, workflow: str | None) -> list[tuple[WorkflowRequest, str]]:
    """The pending requests of the app assigned to the caller (as a user or through a group), with
    the name of the workflow that asked; optionally of one workflow (by name or id)."""
    found = runs.list_requests(ctx, application_id, status="pending", mine=True)
    names = {r.id: (r.workflow_name, r.workflow_id) for r in ctx.db.scalars(
        select(WorkflowRun).where(WorkflowRun.id.in_({q.run_id for q in found})))}
    out = [(q, names.get(q.run_id, ("", ""))[0]) for q in found]
    if workflow:
        out = [(q, name) for q, name in out if workflow in names.get(q.run_id, ("", ""))]
    return out


def resolve(ctx: Context, application_id: str, request_id: str, resolution: str, comment: str | None) -> WorkflowRequest:
    return runs.resolve_request(ctx, application_id, request_id, resolution, comment)
