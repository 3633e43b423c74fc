"""Routes: a workflow's triggers (developers) and its webhook (callers holding the token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from lowcraft.context import Context
from lowcraft.http import API_PREFIX
from lowcraft.http.deps import Ctx, client_address, get_runtime
from lowcraft.http.openapi import BODY, MEMBER, PARAMS, errors
from lowcraft.http.routing import DeferredRoute
from lowcraft.http.schemas import Body
from lowcraft.triggers import service
from lowcraft.triggers.errors import WebhookTooLarge
from lowcraft.triggers.models import WorkflowSchedule, WorkflowWebhook
from lowcraft.triggers.schemas import ScheduleOut, TriggersOut, WebhookAccepted, WebhookTokenOut

router = APIRouter(prefix=API_PREFIX, tags=["workflows"], route_class=DeferredRoute)

DELIVERY_HEADERS = ("idempotency-key", "x-lowcraft-delivery")


class ScheduleIn(Body):
    cron: str = Field(max_length=200, description="Five cron fields (minute hour day month weekday) or @hourly, @daily...")
    timezone: str = Field("UTC", max_length=64, description="IANA time zone the expression is read in.")
    missed_runs: str = Field("skip", alias="missedRuns",
                             description="`skip`: fire times missed while no replica ran are dropped; "
                                         "`runOnce`: one run stands for all of them.")
    enabled: bool = True


def _webhook_out(request: Request, hook: WorkflowWebhook) -> dict[str, Any]:
    base = get_runtime(request).settings.base_url.rstrip("/")
    return {"url": base + service.webhook_path(hook.workflow_id), "prefix": hook.prefix,
            "createdAt": hook.updated_at.isoformat(),
            "lastUsedAt": hook.last_used_at.isoformat() if hook.last_used_at else None}


def _schedule_out(schedule: WorkflowSchedule) -> dict[str, Any]:
    upcoming = service.next_fire(schedule)
    return {"cron": schedule.cron, "timezone": schedule.timezone, "missedRuns": schedule.missed_runs,
            "enabled": schedule.enabled, "nextFireAt": upcoming.isoformat() if upcoming else None,
            "lastFireAt": schedule.last_fire_at.isoformat() if schedule.last_fire_at else None}


def _triggers_out(request: Request, triggers: service.Triggers) -> dict[str, Any]:
    return {"workflowId": triggers.workflow.id,
            "webhook": _webhook_out(request, triggers.webhook) if triggers.webhook else None,
            "schedule": _schedule_out(triggers.schedule) if triggers.schedule else None}


@router.get("/workflows/{workflow_id}/triggers", response_model=TriggersOut, responses=errors(*PARAMS, *MEMBER))
def get_triggers(workflow_id: str, request: Request, ctx: Ctx) -> dict[str, Any]:
    """The workflow's webhook (never its token) and schedule (developers)."""
    return _triggers_out(request, service.get_triggers(ctx, workflow_id))


@router.post("/workflows/{workflow_id}/webhook", status_code=201, response_model=WebhookTokenOut,
             responses=errors(*PARAMS, *MEMBER))
def make_webhook_token(workflow_id: str, request: Request, ctx: Ctx) -> dict[str, Any]:
    """Give the workflow a webhook, or rotate its token: the answer holds the new token, shown
    this once; the previous token stops working now."""
    hook, token = service.make_webhook_token(ctx, workflow_id)
    return {**_webhook_out(request, hook), "token": token}


@router.delete("/workflows/{workflow_id}/webhook", status_code=204, responses=errors(*PARAMS, *MEMBER))
def revoke_webhook(workflow_id: str, ctx: Ctx) -> None:
    """Revoke the workflow's webhook: calls are refused until a new token is made."""
    service.revoke_webhook(ctx, workflow_id)


@router.put("/workflows/{workflow_id}/schedule", response_model=ScheduleOut, responses=errors(*BODY, *MEMBER))
def set_schedule(workflow_id: str, body: ScheduleIn, ctx: Ctx) -> dict[str, Any]:
    """Run the workflow on a cron schedule in a time zone (developers)."""
    return _schedule_out(service.set_schedule(ctx, workflow_id, body.cron, body.timezone, body.missed_runs, body.enabled))


@router.delete("/workflows/{workflow_id}/schedule", status_code=204, responses=errors(*PARAMS, *MEMBER))
def remove_schedule(workflow_id: str, ctx: Ctx) -> None:
    """Stop running the workflow on a schedule."""
    service.remove_schedule(ctx, workflow_id)


def _token(request: Request) -> str:
    authorization = request.headers.get("authorization", "")
    return authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""


async def _capped_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise WebhookTooLarge(f"A webhook's body may be at most {limit // 1024} KB.", details={"limit": limit})
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise WebhookTooLarge(f"A webhook's body may be at most {limit // 1024} KB.", details={"limit": limit})
        chunks.append(chunk)
    return b"".join(chunks)


def _receive(request: Request, workflow_id: str, token: str, body: bytes, delivery: str | None) -> str:
    runtime = get_runtime(request)
    with runtime.db.session() as db:
        ctx = Context(runtime=runtime, db=db, client_address=client_address(request), via="webhook")
        return service.receive_webhook(ctx, workflow_id, token, body, delivery)


@router.post("/hooks/workflows/{workflow_id}", status_code=202, response_model=WebhookAccepted,
             responses=errors(400, 401, 409, 413, 422))
async def call_webhook(workflow_id: str, request: Request) -> dict[str, Any]:
    """Start a run of the workflow with the JSON body as its input. The caller sends the token as
    `Authorization: Bearer <token>` (a call without it is refused like any other API call without
    credentials), and may send an `Idempotency-Key` (or
    `X-Lowcraft-Delivery`): a key accepted within the replay window is refused (409). A wrong token
    (401), a body over the size limit (413), non-JSON (422) or a replay start nothing."""
    token = _token(request)
    delivery = next((request.headers[h] for h in DELIVERY_HEADERS if request.headers.get(h)), None)
    limit = get_runtime(request).settings.workflow_webhook_max_kb * 1024
    body = await _capped_body(request, limit)
    run_id = await run_in_threadpool(_receive, request, workflow_id, token, body, delivery)
    return {"runId": run_id}

