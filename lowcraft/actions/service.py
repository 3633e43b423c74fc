"""Actions and JS objects of an application: CRUD for developers, and preparing executions.

Execution in `edit` mode runs the action as stored (Developers); in `view` mode it runs the action
as published, so an App Viewer (or a visitor of a public app) can run exactly what the published
app runs, and never sees the action's or the datasource's configuration.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import select

from lowcraft.actions.errors import ActionNotFound, InvalidAction
from lowcraft.appmodel.models import (
    MAX_JS_BYTES,
    Action,
    ActionSettings,
    Application,
    JsObject,
    Page,
    js_settings,
)
from lowcraft.appmodel.naming import validate_entity_name
from lowcraft.apps.handler import page_entity_names
from lowcraft.apps.service import rename_in
from lowcraft.audit.handler import record
from lowcraft.context import Context
from lowcraft.datasources.models import Datasource
from lowcraft.errors import NotFound, ValidationFailed
from lowcraft.pages.errors import DuplicateName
from lowcraft.workspaces.permissions import Role, require_app

E = TypeVar("E", Action, JsObject)
MAX_CONFIG_BYTES = 1_000_000



def parse_settings(raw: dict[str, Any] | None) -> ActionSettings:
    try:
        return ActionSettings.model_validate(raw or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidAction(
            f"settings.{where}: {first['msg']}", details={"field": f"settings.{where}"}
        ) from None


def _check_config(config: Any) -> dict[str, Any]:
    if not isinstance(config, dict):
        raise InvalidAction("An action's config must be an object.", details={"field": "config"})
    if len(json.dumps(config)) > MAX_CONFIG_BYTES:
        raise InvalidAction("An action's config may be at most 1 MB.", details={"field": "config"})
    return config


def _unique_name(ctx: Context, page_id: str, name: str) -> str:
    """`name` if it can name a new entity of the page: names are per page, shared by the page's
    widgets, actions and JS objects (another page may use the same name)."""
    validate_entity_name(name)
    if name in page_entity_names(ctx, page_id):
        raise DuplicateName(f"The name '{name}' is already used on this page.", details={"name": name})
    return name


def _page_of(ctx: Context, application_id: str, page_id: str) -> Page:
    page = ctx.db.get(Page, page_id)
    if page is None or page.application_id != application_id:
        raise ValidationFailed("The page does not belong to this application.", details={"field": "pageId"})
    return page


def _datasource_in(ctx: Context, app: Application, datasource_id: str) -> Datasource:
    ds = ctx.db.get(Datasource, datasource_id)
    if ds is None or ds.workspace_id != app.workspace_id:
        raise ValidationFailed(
            "The datasource is not in this application's workspace.", details={"field": "datasourceId"}
        )
    return ds


def _load_owned(ctx: Context, model: type[E], entity_id: str, missing: Exception) -> tuple[E, Application]:
    """An action or JS object and its application, if the caller develops that application."""
    entity = ctx.db.get(model, entity_id)
    if entity is None:
        raise missing
    app, _ = require_app(ctx, entity.application_id, Role.DEVELOPER)
    return entity, app


def _load_action(ctx: Context, action_id: str) -> tuple[Action, Application]:
    return _load_owned(ctx, Action, action_id, ActionNotFound("Action not found."))


def list_actions(ctx: Context, application_id: str) -> list[Action]:
    require_app(ctx, application_id, Role.DEVELOPER)
    return list(
        ctx.db.scalars(
            select(Action).where(Action.application_id == application_id).order_by(Action.name)
        ).all()
    )


def get_action(ctx: Context, action_id: str) -> Action:
    return _load_action(ctx, action_id)[0]


def create_action(
    ctx: Context,
    application_id: str,
    page_id: str,
    name: str,
    datasource_id: str,
    config: dict[str, Any],
    settings: dict[str, Any] | None,
) -> Action:
    app = require_app(ctx, application_id, Role.DEVELOPER)[0]
    _page_of(ctx, application_id, page_id)
    ds = _datasource_in(ctx, app, datasource_id)
    action = Action(
        application_id=application_id,
        page_id=page_id,
        name=_unique_name(ctx, page_id, name),
        datasource_id=ds.id,
        connector=ds.connector,
        config=_check_config(config),
        settings=parse_settings(settings).as_json(),
    )
    ctx.db.add(action)
    ctx.db.flush()
    record(
        ctx,
        "action.created",
        "action",
        action.id,
        action.name,
        workspace_id=app.workspace_id,
        summary={"datasource": ds.name, "page": page_id},
    )
    ctx.notify_edit(app.id, "actions")
    return action


def update_action(ctx: Context, action_id: str, changes: dict[str, Any]) -> Action:
    """Change name, config, settings, datasource or page.

    A new name is a rename: every reference to the action on its page follows it. Moving the
    action to another page needs its name to be free there (references do not move with it).
    """
    action, app = _load_action(ctx, action_id)
    if "name" in changes:
        rename_in(ctx, app, action.name, changes["name"], action.page_id)
    summary: dict[str, Any] = {}
    if "config" in changes:
        action.config = _check_config(changes["config"])
        summary["config"] = "changed"
    if "settings" in changes:
        action.settings = parse_settings({**action.settings, **(changes["settings"] or {})}).as_json()
        summary["settings"] = action.settings
    if "datasourceId" in changes:
        ds = _datasource_in(ctx, app, changes["datasourceId"])
        if ds.connector != action.connector:
            raise InvalidAction(
                f"The action is a {action.connector} query; '{ds.name}' is a {ds.connector} datasource."
            )
        action.datasource_id = ds.id
        summary["datasource"] = ds.name
    if "pageId" in changes and changes["pageId"] != action.page_id:
        target = _page_of(ctx, app.id, changes["pageId"])
        if action.name in page_entity_names(ctx, target.id):
            raise DuplicateName(
                f"Page '{target.name}' already has an entity named '{action.name}'; rename one of them first.",
                details={"name": action.name, "pageId": target.id},
            )
        action.page_id = target.id
        summary["page"] = action.page_id
    record(
        ctx,
        "action.updated",
        "action",
        action.id,
        action.name,
        workspace_id=app.workspace_id,
        summary=summary,
    )
    ctx.notify_edit(app.id, "actions")
    return action


def delete_action(ctx: Context, action_id: str) -> None:
    action, app = _load_action(ctx, action_id)
    ctx.db.delete(action)
    record(ctx, "action.deleted", "action", action.id, action.name, workspace_id=app.workspace_id)
    ctx.notify_edit(app.id, "actions")


# --- JS objects -------------------------------------------------------------------------------


def _check_body(body: str) -> str:
    if len(body.encode()) > MAX_JS_BYTES:
        raise ValidationFailed("A JS object may be at most 500 KB.", details={"field": "body"})
    return body


def _load_js(ctx: Context, js_id: str) -> tuple[JsObject, Application]:
    return _load_owned(ctx, JsObject, js_id, NotFound("JS object not found."))


def list_js_objects(ctx: Context, application_id: str) -> list[JsObject]:
    require_app(ctx, application_id, Role.DEVELOPER)
    return list(
        ctx.db.scalars(
            select(JsObject).where(JsObject.application_id == application_id).order_by(JsObject.name)
        ).all()
    )


def get_js_object(ctx: Context, js_id: str) -> JsObject:
    return _load_js(ctx, js_id)[0]


def _check_js_settings(settings: dict[str, Any]) -> dict[str, Any]:
    try:
        return {name: value.as_json() for name, value in js_settings(settings).items()}
    except (ValueError, ValidationError) as error:
        raise ValidationFailed(f"Invalid JS function settings: {error}", details={"field": "settings"}) from None


def create_js_object(
    ctx: Context,
    application_id: str,
    page_id: str,
    name: str,
    body: str | None,
    settings: dict[str, Any] | None = None,
) -> JsObject:
    app = require_app(ctx, application_id, Role.DEVELOPER)[0]
    _page_of(ctx, application_id, page_id)
    js = JsObject(
        application_id=application_id,
        page_id=page_id,
        name=_unique_name(ctx, page_id, name),
        body=_check_body(body if body is not None else "export default {\n  myFun1() {\n  },\n}\n"),
        settings=_check_js_settings(settings or {}),
    )
    ctx.db.add(js)
    ctx.db.flush()
    record(ctx, "js_object.created", "js_object", js.id, js.name, workspace_id=app.workspace_id)
    ctx.notify_edit(app.id, "jsObjects")
    return js


def update_js_object(
    ctx: Context,
    js_id: str,
    *,
    body: str | None = None,
    name: str | None = None,
    settings: dict[str, Any] | None = None,
) -> JsObject:
    """Change the body and the functions' settings, then the name; a new name is a rename that
    every reference follows."""
    js, app = _load_js(ctx, js_id)
    if body is not None or settings is not None:
        if body is not None:
            js.body = _check_body(body)
        if settings is not None:
            js.settings = _check_js_settings(settings)
        record(ctx, "js_object.updated", "js_object", js.id, js.name, workspace_id=app.workspace_id)
    if name is not None:
        rename_in(ctx, app, js.name, name, js.page_id)
    ctx.notify_edit(app.id, "jsObjects")
    return js


def delete_js_object(ctx: Context, js_id: str) -> None:
    js, app = _load_js(ctx, js_id)
    ctx.db.delete(js)
    record(ctx, "js_object.deleted", "js_object", js.id, js.name, workspace_id=app.workspace_id)
    ctx.notify_edit(app.id, "jsObjects")
