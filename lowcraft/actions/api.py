"""Routes: actions (queries) and JS objects of an application, and executing actions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import Field

from lowcraft import jsontext
from lowcraft.actions import service
from lowcraft.actions.execution_plans import ExecuteBody, ReadyExecution, plan_key, plans, prepare_execution
from lowcraft.actions.schemas import ActionList, ActionOut, ExecutionResult, JsObjectList, JsObjectOut
from lowcraft.appmodel.models import Action, JsObject, js_settings_json
from lowcraft.http import API_PREFIX
from lowcraft.http.deps import Ctx, authenticate, get_runtime
from lowcraft.http.fast_execute import credential
from lowcraft.http.openapi import BODY, MEMBER, PARAMS, errors
from lowcraft.http.routing import DeferredRoute
from lowcraft.http.schemas import Body

router = APIRouter(prefix=API_PREFIX, tags=["actions"], route_class=DeferredRoute)


class ActionCreate(Body):
    page_id: str = Field(alias="pageId")
    name: str = Field(max_length=100)
    datasource_id: str = Field(alias="datasourceId")
    config: dict[str, Any] = Field(default_factory=dict)
    settings: dict[str, Any] | None = None


class ActionUpdate(Body):
    name: str | None = Field(None, max_length=100)
    page_id: str | None = Field(None, alias="pageId")
    datasource_id: str | None = Field(None, alias="datasourceId")
    config: dict[str, Any] | None = None
    settings: dict[str, Any] | None = None


class JsObjectCreate(Body):
    page_id: str = Field(alias="pageId")
    name: str = Field(max_length=100)
    body: str | None = None
    settings: dict[str, Any] | None = Field(
        None, description="Per function: {runOnPageLoad, confirmBeforeRun}; functions not listed have both off."
    )


class JsObjectUpdate(Body):
    name: str | None = Field(None, max_length=100)
    body: str | None = None
    settings: dict[str, Any] | None = Field(
        None, description="Replaces every function's settings; functions not listed have both off."
    )


def action_out(action: Action) -> dict[str, Any]:
    return {
        "id": action.id,
        "applicationId": action.application_id,
        "pageId": action.page_id,
        "name": action.name,
        "datasourceId": action.datasource_id,
        "connector": action.connector,
        "config": action.config,
        "settings": service.parse_settings(action.settings).as_json(),
        "updatedAt": action.updated_at.isoformat(),
    }


def js_out(js: JsObject) -> dict[str, Any]:
    return {"id": js.id, "applicationId": js.application_id, "pageId": js.page_id, "name": js.name,
            "body": js.body, "settings": js_settings_json(js.settings), "updatedAt": js.updated_at.isoformat()}


@router.get("/applications/{application_id}/actions", response_model=ActionList, responses=errors(*PARAMS, *MEMBER))
def list_actions(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """The application's actions, on all its pages (developers)."""
    return {"actions": [action_out(a) for a in service.list_actions(ctx, application_id)]}


@router.post(
    "/applications/{application_id}/actions", status_code=201, response_model=ActionOut,
    responses=errors(*BODY, *MEMBER, 409),
)
def create_action(application_id: str, body: ActionCreate, ctx: Ctx) -> dict[str, Any]:
    """Add an action on a datasource of the application's workspace to one of its pages."""
    return action_out(service.create_action(
        ctx, application_id, body.page_id, body.name, body.datasource_id, body.config, body.settings))


@router.get("/actions/{action_id}", response_model=ActionOut, responses=errors(*PARAMS, *MEMBER))
def get_action(action_id: str, ctx: Ctx) -> dict[str, Any]:
    """One action (developers)."""
    return action_out(service.get_action(ctx, action_id))


@router.patch("/actions/{action_id}", response_model=ActionOut, responses=errors(*BODY, *MEMBER, 409))
def update_action(action_id: str, body: ActionUpdate, ctx: Ctx) -> dict[str, Any]:
    """Change an action; a new name is also written into every binding that uses the old one."""
    return action_out(service.update_action(ctx, action_id, body.changes(clearable=("settings",))))


@router.delete("/actions/{action_id}", status_code=204, responses=errors(*PARAMS, *MEMBER))
def delete_action(action_id: str, ctx: Ctx) -> None:
    """Delete an action."""
    service.delete_action(ctx, action_id)


def _ready(request: Request, action_id: str, body: ExecuteBody, generation: str) -> ReadyExecution:
    # Authentication and the store reads share one worker-thread hop.
    runtime = get_runtime(request)
    with runtime.db.session() as db:
        ctx = authenticate(request, db)
        plan = prepare_execution(ctx, action_id, body.mode, body.environment, body.application_id)
    ready = ReadyExecution.build(plan, runtime)
    plans.put(plan_key(credential(request.scope["headers"]), action_id, body), generation, ready)
    return ready


@router.post(
    "/actions/{action_id}/execute", response_model=ExecutionResult,
    responses=errors(*BODY, *MEMBER, 429, 503),
)
async def execute(action_id: str, body: ExecuteBody, request: Request) -> Response:
    """Run an action with the values of its bindings, as the editor (`edit`) or a published app (`view`).

    Once this route has authorised a caller for an action, the caller's next calls are served by
    `lowcraft.http.fast_execute.serve_cached_execution` until the store changes.
    """
    # The generation is read before the store, so a write racing this read can only make the
    # cached plan look older than it is, never newer.
    generation = get_runtime(request).generation.current()
    ready = plans.get(plan_key(credential(request.scope["headers"]), action_id, body), generation)
    if ready is None:
        ready = await run_in_threadpool(_ready, request, action_id, body, generation)
    return Response(jsontext.dumps(await ready.run(body.params)), media_type="application/json")


@router.get("/applications/{application_id}/js-objects", response_model=JsObjectList, responses=errors(*PARAMS, *MEMBER))
def list_js_objects(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """The application's JS objects, on all its pages (developers)."""
    return {"jsObjects": [js_out(j) for j in service.list_js_objects(ctx, application_id)]}


@router.post(
    "/applications/{application_id}/js-objects", status_code=201, response_model=JsObjectOut,
    responses=errors(*BODY, *MEMBER, 409),
)
def create_js_object(application_id: str, body: JsObjectCreate, ctx: Ctx) -> dict[str, Any]:
    """Add a JS object to one of the application's pages."""
    return js_out(service.create_js_object(ctx, application_id, body.page_id, body.name, body.body, body.settings))


@router.get("/js-objects/{js_id}", response_model=JsObjectOut, responses=errors(*PARAMS, *MEMBER))
def get_js_object(js_id: str, ctx: Ctx) -> dict[str, Any]:
    """One JS object (developers)."""
    return js_out(service.get_js_object(ctx, js_id))


@router.patch("/js-objects/{js_id}", response_model=JsObjectOut, responses=errors(*BODY, *MEMBER, 409))
def update_js_object(js_id: str, body: JsObjectUpdate, ctx: Ctx) -> dict[str, Any]:
    """Change a JS object's code; a new name is also written into every binding that uses the old one."""
    return js_out(service.update_js_object(ctx, js_id, body=body.body, name=body.name, settings=body.settings))


@router.delete("/js-objects/{js_id}", status_code=204, responses=errors(*PARAMS, *MEMBER))
def delete_js_object(js_id: str, ctx: Ctx) -> None:
    """Delete a JS object."""
    service.delete_js_object(ctx, js_id)
