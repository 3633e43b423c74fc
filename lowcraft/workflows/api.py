"""Routes: an application's workflows, their runs (start, list, read, cancel, retry) and requests.

Who may call what is decided in `service.py` (its docstring is the table)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from lowcraft.appmodel.models import JsObject
from lowcraft.http import API_PREFIX
from lowcraft.http.deps import Ctx
from lowcraft.http.openapi import BODY, MEMBER, PARAMS, errors
from lowcraft.http.routing import DeferredRoute
from lowcraft.http.schemas import Body
from lowcraft.workflows import service
from lowcraft.workflows.handler import redact
from lowcraft.workflows.models import WorkflowRequest, WorkflowRun, WorkflowStep
from lowcraft.workflows.schemas import RequestList, RequestOut, RunDetailOut, RunList, RunOut, WorkflowList

router = APIRouter(prefix=API_PREFIX, tags=["workflows"], route_class=DeferredRoute)
BASE = "/applications/{application_id}/workflows"


class RunStart(Body):
    data: Any = Field(None, description="The argument of executeWorkflow(data).")
    mode: Literal["edit", "view"] = Field("edit", description="edit: as saved in the editor (developers); view: as published.")
    environment: str = Field("production", max_length=20)
    wait_seconds: float = Field(
        0, ge=0, le=60, alias="waitSeconds", description="Wait up to this long for the run to finish (run and wait)."
    )


class RequestResolution(Body):
    resolution: str = Field(max_length=200)
    comment: str | None = Field(None, max_length=10_000)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def run_out(run: WorkflowRun, *, full: bool = True) -> dict[str, Any]:
    error = run.error
    out: dict[str, Any] = {
        "id": run.id, "status": run.status, "output": redact(run.output), "createdAt": _iso(run.created_at),
        "finishedAt": _iso(run.finished_at),
        "error": error if full or error is None else {"message": error.get("message"), "step": error.get("step")},
    }
    if full:
        out.update({
            "applicationId": run.application_id, "workflowId": run.workflow_id, "workflowName": run.workflow_name,
            "trigger": run.trigger, "mode": run.mode, "environment": run.environment, "input": redact(run.input),
            "attempt": run.attempt, "startedBy": run.started_by, "startedAt": _iso(run.started_at),
        })
    return out


def step_out(step: WorkflowStep) -> dict[str, Any]:
    return {
        "index": step.index, "kind": step.kind, "name": step.name, "status": step.status, "args": redact(step.args),
        "result": redact(step.result), "error": step.error, "attempts": step.attempts,
        "startedAt": _iso(step.started_at), "finishedAt": _iso(step.finished_at),
    }


def request_out(request: WorkflowRequest) -> dict[str, Any]:
    return {
        "id": request.id, "runId": request.run_id, "applicationId": request.application_id, "name": request.name,
        "message": request.message, "resolutions": request.resolutions, "users": request.users,
        "groups": request.groups, "metadata": request.request_metadata, "status": request.status,
        "resolution": request.resolution, "comment": request.comment, "resolvedBy": request.resolved_by,
        "resolvedAt": _iso(request.resolved_at), "createdAt": _iso(request.created_at),
    }


def _workflow_out(js: JsObject) -> dict[str, Any]:
    return {"id": js.id, "name": js.name, "pageId": js.page_id}


@router.get(BASE, response_model=WorkflowList, responses=errors(*PARAMS, *MEMBER))
def list_workflows(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """The application's workflows: its JS objects with an executeWorkflow function (developers)."""
    return {"workflows": [_workflow_out(js) for js in service.list_workflows(ctx, application_id)]}


@router.post(
    BASE + "/{workflow_id}/runs", status_code=201, response_model=RunOut, response_model_exclude_none=True,
    responses=errors(*BODY, *MEMBER),
)
def start_run(application_id: str, workflow_id: str, body: RunStart, ctx: Ctx) -> dict[str, Any]:
    """Start a run: developers run the workflow as edited, any member of the workspace the published one.

    A run of the published workflow comes from an app (its "Trigger workflow" action) and is recorded with
    trigger `app`; a run of the edited one is started by hand in the editor (`manual`)."""
    trigger = "app" if body.mode == "view" else "manual"
    if body.wait_seconds > 0:
        run = service.start_run_and_wait(
            ctx, application_id, workflow_id, body.data, mode=body.mode, environment=body.environment,
            trigger=trigger, timeout_seconds=body.wait_seconds,
        )
    else:
        run = service.start_run(
            ctx, application_id, workflow_id, body.data, mode=body.mode, environment=body.environment, trigger=trigger,
        )
    return run_out(run, full=body.mode == "edit")


@router.get(BASE + "/runs", response_model=RunList, responses=errors(*PARAMS, *MEMBER))
def list_runs(
    application_id: str, ctx: Ctx, workflow_id: str | None = Query(None, alias="workflowId", max_length=32),
    status: str | None = Query(None, max_length=20), limit: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    """The application's runs, newest first (developers)."""
    runs = service.list_runs(ctx, application_id, workflow_id=workflow_id, status=status, limit=limit)
    return {"runs": [run_out(r) for r in runs]}


@router.get(
    BASE + "/runs/{run_id}", response_model=RunDetailOut, response_model_exclude_none=True,
    responses=errors(*PARAMS, *MEMBER),
)
def get_run(application_id: str, run_id: str, ctx: Ctx) -> dict[str, Any]:
    """A run with its step timeline and requests (developers); status and output (the viewer who started it)."""
    detail = service.get_run(ctx, application_id, run_id)
    out = run_out(detail.run, full=detail.full)
    if detail.full:
        out["steps"] = [step_out(s) for s in detail.steps]
        out["requests"] = [request_out(r) for r in detail.requests]
    return out


@router.post(BASE + "/runs/{run_id}/cancel", response_model=RunOut, responses=errors(*PARAMS, *MEMBER, 409))
def cancel_run(application_id: str, run_id: str, ctx: Ctx) -> dict[str, Any]:
    """Cancel an unfinished run (developers)."""
    return run_out(service.cancel_run(ctx, application_id, run_id))


@router.post(BASE + "/runs/{run_id}/retry", response_model=RunOut, responses=errors(*PARAMS, *MEMBER, 409))
def retry_run(application_id: str, run_id: str, ctx: Ctx) -> dict[str, Any]:
    """Run a failed run again from the step that failed (developers)."""
    return run_out(service.retry_run(ctx, application_id, run_id))


@router.get(BASE + "/requests", response_model=RequestList, responses=errors(*PARAMS, *MEMBER))
def list_requests(
    application_id: str, ctx: Ctx, status: Literal["pending", "resolved", "cancelled", ""] = "pending",
    mine: bool = True,
) -> dict[str, Any]:
    """Requests assigned to the caller (any member), or all of them (developers, mine=false)."""
    return {"requests": [request_out(r) for r in service.list_requests(ctx, application_id, status=status, mine=mine)]}


@router.post(
    BASE + "/requests/{request_id}/resolve", response_model=RequestOut, responses=errors(*BODY, *MEMBER, 409),
)
def resolve_request(application_id: str, request_id: str, body: RequestResolution, ctx: Ctx) -> dict[str, Any]:
    """Decide a pending request (its assignees only); the run goes on with the decision."""
    return request_out(service.resolve_request(ctx, application_id, request_id, body.resolution, body.comment))
