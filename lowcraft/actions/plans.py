"""Preparing an execution: who may run which action with which connection, in few store reads.

This is the hot path of every query a user runs, so it reads with Core queries (no ORM
objects), and keeps the published actions of an application in memory keyed by its publication
time: publishing again changes the key, so no replica can serve a stale published action.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select

from lowcraft.accounts.permissions import Role, workspace_role
from lowcraft.actions.exceptions import ActionNotFound, InvalidAction
from lowcraft.actions.models import Action, ActionSettings
from lowcraft.apps.exceptions import NotPublished
from lowcraft.apps.models import Application
from lowcraft.context import Context
from lowcraft.datasources.service import ResolvedConnection, resolve_connection
from lowcraft.errors import NotAuthenticated, PermissionDenied

Mode = Literal["edit", "view"]
PUBLISHED_CACHE_SIZE = 256


@dataclass
class ExecutionPlan:
    """Everything an execution needs, read in one short store transaction."""

    action_id: str
    action_name: str
    connection: ResolvedConnection
    query_config: dict[str, Any]
    settings: ActionSettings
    mode: Mode
    """`view`: a published app runs it, and its viewers get only what the app reads of the result."""


class _PublishedActions:
    """Published action entries by application, for the publication each was read from."""

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[str, tuple[datetime, dict[str, dict[str, Any]]]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, ctx: Context, app_id: str, published_at: datetime) -> dict[str, dict[str, Any]]:
        with self._lock:
            hit = self._items.get(app_id)
            if hit is not None and hit[0] == published_at:
                self._items.move_to_end(app_id)
                return hit[1]
        document = ctx.db.scalar(select(Application.published).where(Application.id == app_id)) or {}
        entries = {
            entry["id"]: entry
            for page in document.get("pages", [])
            for entry in page.get("actions", [])
            if isinstance(entry, dict) and "id" in entry
        }
        with self._lock:
            self._items[app_id] = (published_at, entries)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return entries


published_actions = _PublishedActions(PUBLISHED_CACHE_SIZE)


def _require_role(ctx: Context, workspace_id: str, minimum: Role) -> None:
    if ctx.user is None:
        raise NotAuthenticated("Log in to do this.")
    role = workspace_role(ctx, workspace_id)
    if role is None:
        raise ActionNotFound("Action not found.")
    if not role.allows(minimum):
        raise PermissionDenied("Only developers run actions as edited; viewers run the published app.")


def _edit_entry(ctx: Context, action_id: str) -> dict[str, Any]:
    row = ctx.db.execute(
        select(Action.name, Action.datasource_id, Action.config, Action.settings, Application.workspace_id)
        .join(Application, Application.id == Action.application_id)
        .where(Action.id == action_id, Application.deleted_at.is_(None))
    ).first()
    if row is None:
        raise ActionNotFound("Action not found.")
    _require_role(ctx, row.workspace_id, Role.DEVELOPER)
    return {"name": row.name, "datasourceId": row.datasource_id, "config": row.config, "settings": row.settings}


def _view_entry(ctx: Context, action_id: str, application_id: str | None) -> dict[str, Any]:
    """The action as the published app has it, if the caller may view that app.

    The viewer names the application it runs, so an action deleted from the edit state after
    publishing still runs in the published app.
    """
    app_id = application_id or ctx.db.scalar(select(Action.application_id).where(Action.id == action_id))
    row = ctx.db.execute(
        select(Application.workspace_id, Application.is_public, Application.published_at, Application.deleted_at)
        .where(Application.id == (app_id or ""))
    ).first()
    if row is None or row.deleted_at is not None:
        raise ActionNotFound("Action not found.")
    if workspace_role(ctx, row.workspace_id) is None and not row.is_public:
        if ctx.user is None:
            raise NotAuthenticated("Log in to use this application.")
        raise ActionNotFound("Action not found.")
    if row.published_at is None:
        raise NotPublished("This application has not been published yet.")
    entry = published_actions.get(ctx, str(app_id), row.published_at).get(action_id)
    if entry is None:
        raise ActionNotFound("The published application has no such action; publish again after adding it.")
    return entry


def prepare_execution(
    ctx: Context, action_id: str, mode: Mode, environment: str, application_id: str | None = None
) -> ExecutionPlan:
    entry = _edit_entry(ctx, action_id) if mode == "edit" else _view_entry(ctx, action_id, application_id)
    datasource_id = entry.get("datasourceId")
    if not datasource_id:
        raise InvalidAction("This action has no datasource; choose one in the editor.")
    connection = resolve_connection(ctx, datasource_id, environment)
    try:
        settings = ActionSettings.model_validate(entry.get("settings") or {})
    except ValueError:
        raise InvalidAction("The action's stored settings are not valid; save it again in the editor.") from None
    return ExecutionPlan(action_id, entry["name"], connection, entry.get("config") or {}, settings, mode)
