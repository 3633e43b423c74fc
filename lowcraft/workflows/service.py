"""Workflow runs, as the REST routes (and the apps' built-in actions) use them.

Who may do what:
- Developers (and workspace administrators) of the application's workspace: start runs of the
  workflow as edited (`mode="edit"`), list runs with their inputs, outputs and step timelines,
  cancel and retry them.
- App Viewers: start runs of the *published* workflow (`mode="view"`, what an app's "Trigger
  workflow" action does) and read the status and output of the runs they started themselves.
- Anonymous viewers of a public app: nothing (401).
- Resolving a request: only its assignees (the users named in `requestToUsers`, the members of
  the SCIM groups named in `requestToGroups`), whatever their role, as long as they belong to the
  application's workspace.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from lowcraft.appmodel.models import Application, JsObject
from lowcraft.audit.handler import record
from lowcraft.context import Context
from lowcraft.identity.models import User
from lowcraft.runtime import Runtime
from lowcraft.store.types import utcnow
from lowcraft.workflows import handler
from lowcraft.workflows.errors import (
    InvalidResolution,
    NotAnAssignee,
    RequestAlreadyResolved,
    RequestNotFound,
    RunNotFound,
    RunStateConflict,
)
from lowcraft.workflows.models import UNFINISHED, WorkflowRequest, WorkflowRun, WorkflowStep
from lowcraft.workspaces.permissions import Role, require_app

MAX_LIST = 200


@dataclass
class RunDetail:
    run: WorkflowRun
    steps: list[WorkflowStep]
    requests: list[WorkflowRequest]
    full: bool
    """False for an App Viewer reading a run they started: status and output only."""


def _audit(ctx: Context, app: Application, action: str, run: WorkflowRun, summary: dict[str, Any] | None = None) -> None:
    record(ctx, action, "workflow_run", run.id, run.workflow_name, workspace_id=app.workspace_id, summary=summary)


def start_run(
    ctx: Context, application_id: str, workflow_id: str, data: Any = None, *, mode: str = "edit",
    environment: str = "production", trigger: str = "manual",
) -> WorkflowRun:
    """Queue a run of the workflow with `data` as `executeWorkflow`'s argument; it starts once the
    request's transaction commits. `mode="edit"` needs a Developer, `mode="view"` any member."""
    app, _ = require_app(
        ctx, application_id, Role.DEVELOPER if mode == "edit" else Role.VIEWER,
        denied="Only developers run a workflow as edited; viewers run the published one.",
    )
    workflow = handler.workflow_in(ctx.db, app.id, workflow_id)
    run = handler.create_run(ctx, app, workflow, data, trigger=trigger, mode=mode, environment=environment)
    _audit(ctx, app, "workflow.run_started", run, {"trigger": trigger, "mode": mode})
    return run


def _uid(ctx: Context) -> str | None:
    return ctx.user.id if ctx.user is not None else None


def get_run(ctx: Context, application_id: str, run_id: str) -> RunDetail:
    """A run with its steps and requests (Developers); its status and output (the viewer who started it)."""
    app, role = require_app(ctx, application_id, Role.VIEWER, missing=RunNotFound("Run not found."))
    run = ctx.db.get(WorkflowRun, run_id)
    if run is None or run.application_id != app.id:
        raise RunNotFound("Run not found.")
    if role.allows(Role.DEVELOPER):
        return RunDetail(run, handler.steps_of(ctx.db, run.id), handler.requests_of(ctx.db, run.id), True)
    if run.started_by is None or run.started_by != _uid(ctx):
        raise RunNotFound("Run not found.")
    return RunDetail(run, [], [], False)


def list_runs(
    ctx: Context, application_id: str, *, workflow_id: str | None = None, status: str | None = None,
    limit: int = 50,
) -> list[WorkflowRun]:
    """The application's runs, newest first (Developers)."""
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    query = select(WorkflowRun).where(WorkflowRun.application_id == app.id)
    if workflow_id:
        query = query.where(WorkflowRun.workflow_id == workflow_id)
    if status:
        query = query.where(WorkflowRun.status == status)
    query = query.order_by(WorkflowRun.created_at.desc(), WorkflowRun.id.desc()).limit(max(1, min(limit, MAX_LIST)))
    return list(ctx.db.scalars(query))


def _developer_run(ctx: Context, application_id: str, run_id: str) -> tuple[WorkflowRun, Application]:
    app, _ = require_app(ctx, application_id, Role.DEVELOPER, missing=RunNotFound("Run not found."))
    run = ctx.db.get(WorkflowRun, run_id)
    if run is None or run.application_id != app.id:
        raise RunNotFound("Run not found.")
    return run, app


def cancel_run(ctx: Context, application_id: str, run_id: str) -> WorkflowRun:
    """Stop an unfinished run at its next step (Developers); its pending requests are withdrawn."""
    run, app = _developer_run(ctx, application_id, run_id)
    if run.status not in UNFINISHED:
        raise RunStateConflict(f"The run has already {run.status}.")
    run.status = "cancelled"
    run.finished_at = utcnow()
    run.error = {"message": f"Cancelled by {ctx.user.email if ctx.user else 'someone'}.", "step": None}
    handler.cancel_requests(ctx.db, run.id)
    _audit(ctx, app, "workflow.run_cancelled", run)
    workflow_key = f"{run.id}.{run.turn}"
    runtime = ctx.runtime

    def stop(_: Session) -> None:
        from lowcraft.workflows.engine import cancel

        cancel(runtime, workflow_key)

    event.listen(ctx.db, "after_commit", stop, once=True)
    return run


def retry_run(ctx: Context, application_id: str, run_id: str) -> WorkflowRun:
    """Run a failed run again from the step that failed; the steps that succeeded are not run again."""
    run, app = _developer_run(ctx, application_id, run_id)
    if run.status != "failed":
        raise RunStateConflict("Only a failed run can be retried.")
    run.attempt += 1
    run.turn += 1
    run.status = "queued"
    ctx.db.execute(
        update(WorkflowStep)
        .where(WorkflowStep.run_id == run.id, WorkflowStep.status.in_(("failed", "running")))
        .values(status="retrying")
    )
    run.error = None
    run.finished_at = None
    _audit(ctx, app, "workflow.run_retried", run, {"attempt": run.attempt})
    handler.enqueue_after_commit(ctx, run)
    return run


def _group_keys(db: Session, user_id: str) -> set[str]:
    """The SCIM groups the user is in (requests name their groups so). The SCIM tables load here,
    on the first group check, not with the server (tests/test_lazy_packages.py)."""
    from lowcraft.scim.models import ScimGroup, ScimGroupMember

    return set(db.scalars(
        select(ScimGroup.display_key).join(ScimGroupMember, ScimGroupMember.group_id == ScimGroup.id)
        .where(ScimGroupMember.user_id == user_id)
    ))


def is_assignee(db: Session, request: WorkflowRequest, user: User) -> bool:
    if user.email.lower() in request.users:
        return True
    return bool(request.groups) and bool(_group_keys(db, user.id) & set(request.groups))


def list_requests(ctx: Context, application_id: str, *, status: str = "pending", mine: bool = True) -> list[WorkflowRequest]:
    """The application's requests: those assigned to the caller (any member), or all (Developers, `mine=False`)."""
    app, _ = require_app(ctx, application_id, Role.VIEWER if mine else Role.DEVELOPER)
    query = select(WorkflowRequest).where(WorkflowRequest.application_id == app.id)
    if status:
        query = query.where(WorkflowRequest.status == status)
    rows = list(ctx.db.scalars(query.order_by(WorkflowRequest.created_at.desc()).limit(MAX_LIST)))
    if not mine:
        return rows
    assert ctx.user is not None
    return [r for r in rows if is_assignee(ctx.db, r, ctx.user)]


def resolve_request(
    ctx: Context, application_id: str, request_id: str, resolution: str, comment: str | None = None
) -> WorkflowRequest:
    """Decide a pending request (its assignees only); the waiting run continues with the decision."""
    app, _ = require_app(ctx, application_id, Role.VIEWER, missing=RequestNotFound("Request not found."))
    request = ctx.db.get(WorkflowRequest, request_id)
    if request is None or request.application_id != app.id:
        raise RequestNotFound("Request not found.")
    assert ctx.user is not None
    if not is_assignee(ctx.db, request, ctx.user):
        raise NotAnAssignee("Only the request's assignees may resolve it.")
    if request.status != "pending":
        raise RequestAlreadyResolved(f"The request is already {request.status}.")
    if request.resolutions and resolution not in request.resolutions:
        raise InvalidResolution(
            f"Choose one of: {', '.join(request.resolutions)}.", details={"resolutions": request.resolutions}
        )
    now = utcnow()
    done = ctx.db.execute(
        update(WorkflowRequest)
        .where(WorkflowRequest.id == request.id, WorkflowRequest.status == "pending")
        .values(status="resolved", resolution=resolution, comment=comment, resolved_by=ctx.user.id, resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise RequestAlreadyResolved("Someone resolved the request first.")
    ctx.db.refresh(request)
    run = ctx.db.get(WorkflowRun, request.run_id)
    record(
        ctx, "workflow.request_resolved", "workflow_request", request.id, request.name,
        workspace_id=app.workspace_id, summary={"resolution": resolution, "runId": request.run_id},
    )
    step = ctx.db.get(WorkflowStep, (request.run_id, request.step_index))
    if step is not None:
        step.status = "succeeded"
        step.result = {
            "resolution": resolution, "comment": comment, "resolvedBy": ctx.user.email,
            "resolvedAt": now.isoformat(), "metadata": request.request_metadata,
        }
        step.finished_at = now
    if run is not None and run.status == "waiting":
        run.status = "queued"
        run.turn += 1
        handler.enqueue_after_commit(ctx, run)
    return request


def wait_for_run(runtime: Runtime, run_id: str, timeout_seconds: float) -> WorkflowRun | None:
    """The run once finished, or as it is after `timeout_seconds` (None if it no longer exists);
    for "run and wait". The caller has already checked it may see the run."""
    deadline = time.monotonic() + timeout_seconds
    delay = 0.02
    while True:
        with runtime.db.session() as db:
            run = db.get(WorkflowRun, run_id)
            if run is None or run.status not in UNFINISHED or time.monotonic() >= deadline:
                if run is not None:
                    db.expunge(run)
                return run
        time.sleep(delay)
        delay = min(delay * 1.25, 0.1)


def start_run_and_wait(
    ctx: Context, application_id: str, workflow_id: str, data: Any = None, *, mode: str = "edit",
    environment: str = "production", trigger: str = "manual", timeout_seconds: float = 10.0,
) -> WorkflowRun:
    """`start_run`, committed at once, then the run as it is when it finishes or `timeout_seconds`
    (at most 60) have passed: "run and wait"."""
    run = start_run(ctx, application_id, workflow_id, data, mode=mode, environment=environment, trigger=trigger)
    ctx.db.commit()
    finished = wait_for_run(ctx.runtime, run.id, max(0.0, min(timeout_seconds, 60.0)))
    ctx.db.refresh(run)
    return finished or run


def list_workflows(ctx: Context, application_id: str) -> list[JsObject]:
    """The application's workflows, on all its pages (Developers)."""
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    rows = ctx.db.scalars(select(JsObject).where(JsObject.application_id == app.id).order_by(JsObject.name))
    return [js for js in rows if handler.is_workflow(js.body)]
