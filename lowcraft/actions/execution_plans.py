"""Execution plans: who may run which action with which connection, checked once, compiled once
and cached, so a repeated execution pays only for binding its values and running.

Preparing a plan is the hot path of every query a published app runs, so the view path reads
with Core queries (no ORM objects), and keeps the published actions of an application in memory
keyed by its publication time: publishing again changes the key, so no replica can serve a stale
published action. Plans are cached by (credential, action, mode, environment, application) for
one store generation; the execute route fills the cache and `cached_execution` serves from it
(through the fast door, `lowcraft.http.fast_execute`).
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, ValidationError
from sqlalchemy import select

from lowcraft import metrics
from lowcraft.actions import result_cache
from lowcraft.actions.errors import ActionNotFound, InvalidAction
from lowcraft.appmodel.models import Action, ActionSettings, Application
from lowcraft.apps.errors import NotPublished
from lowcraft.cache import KeyValueStore
from lowcraft.cache.generation import GenerationCache
from lowcraft.connectors.base import Limits
from lowcraft.connectors.errors import ConnectorError
from lowcraft.connectors.pools import default_pools
from lowcraft.context import Context
from lowcraft.datasources.handler import ResolvedConnection, resolve_connection
from lowcraft.errors import NotAuthenticated
from lowcraft.http.schemas import Body
from lowcraft.runtime import Runtime
from lowcraft.workspaces.permissions import Role, require_app, workspace_role

if TYPE_CHECKING:
    from lowcraft.actions.runner import CompiledAction

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
    environment: str = "production"


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


def _edit_entry(ctx: Context, action_id: str) -> dict[str, Any]:
    action = ctx.db.get(Action, action_id)
    app = ctx.db.get(Application, action.application_id) if action is not None else None
    if action is None or app is None or app.deleted_at is not None:
        raise ActionNotFound("Action not found.")
    require_app(
        ctx, action.application_id, Role.DEVELOPER, missing=ActionNotFound("Action not found."),
        denied="Only developers run actions as edited; viewers run the published app.",
    )
    return {"name": action.name, "datasourceId": action.datasource_id, "config": action.config, "settings": action.settings}


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
    return ExecutionPlan(action_id, entry["name"], connection, entry.get("config") or {}, settings, mode, environment)


class ExecuteBody(Body):
    params: dict[str, Any] = Field(default_factory=dict, description="binding source text -> evaluated value")
    environment: str = Field("production", max_length=20)
    mode: Literal["edit", "view"] = "view"
    application_id: str | None = Field(None, alias="applicationId")


@dataclass(slots=True)
class ReadyExecution:
    """A plan with its action compiled and its limits resolved: all an execution needs but values."""

    plan: ExecutionPlan
    limits: Limits
    compiled: CompiledAction | None
    failure: ConnectorError | None
    results: KeyValueStore | None = None
    """Where results are cached, when the action opts in (`cacheSeconds`)."""
    version: str = ""
    """The digest of what a cached result depends on (see `result_cache.version_digest`)."""

    @classmethod
    def build(cls, plan: ExecutionPlan, runtime: Runtime) -> ReadyExecution:
        # The runner (binding, SQL parameters, connectors' schemas) loads with the first execution,
        # not at start-up.
        from lowcraft.actions.runner import CompiledAction

        limits = Limits.from_settings(
            timeout_ms=plan.settings.timeout_ms, max_response_mb=runtime.settings.max_response_mb
        )
        cached = plan.settings.cache_seconds > 0
        results = runtime.cache if cached else None
        version = result_cache.version_digest(
            plan.query_config, plan.settings.as_json(), plan.connection.datasource_id, plan.connection.config
        ) if cached else ""
        try:
            compiled = CompiledAction.compile(
                plan.connection.connector_type, plan.connection.config, plan.query_config,
                datasource_id=plan.connection.datasource_id, prepared_statements=plan.settings.prepared_statements,
                policy=runtime.workspace_policy(plan.connection.workspace_id, plan.connection.private_networks),
                pools=default_pools,
            )
        except ConnectorError as error:
            return cls(plan, limits, None, error)
        return cls(plan, limits, compiled, None, results, version)

    async def run(self, params: dict[str, Any]) -> dict[str, Any]:
        from lowcraft.actions.runner import compile_failure, for_viewer  # loaded by `build` already

        started = time.perf_counter()
        plan = self.plan
        key = ""
        if self.results is not None and self.compiled is not None:
            key = result_cache.cache_key(plan.action_id, plan.mode, plan.environment, self.version, params)
            hit = result_cache.read(self.results, key)
            if hit is not None:
                metrics.observe_execution(plan.connection.connector_type, "cached", time.perf_counter() - started)
                return for_viewer(hit) if plan.mode == "view" else {**hit, "cached": True}
        if self.compiled is not None:
            result = await self.compiled.run(params, self.limits)
        else:
            assert self.failure is not None
            result = compile_failure(self.failure)
        if key and self.results is not None and result["isExecutionSuccess"]:
            result_cache.write(self.results, key, result, plan.settings.cache_seconds)
        outcome = "success" if result["isExecutionSuccess"] else str(result["error"]["code"])
        metrics.observe_execution(self.plan.connection.connector_type, outcome, time.perf_counter() - started)
        # Both doors (the route and the cached one) answer through here, so they agree on this.
        return for_viewer(result) if self.plan.mode == "view" else result


# Plans by (credential, action, mode, environment, application), valid for one store generation
# and at most 30 s, so session expiry is still checked at least that often.
plans: GenerationCache[ReadyExecution] = GenerationCache(size=4096, ttl=30)


def plan_key(credential: str, action_id: str, body: ExecuteBody) -> tuple[str, ...]:
    return (credential, action_id, body.mode, body.environment, body.application_id or "")


def cached_execution(
    runtime: Runtime, action_id: str, credential: str, body: bytes
) -> Callable[[], Awaitable[dict[str, Any]]] | None:
    """The execution a request asks for if its plan is cached, ready to run; None when the route
    must answer (no plan cached, or a body the route should reject with its usual 400/422)."""
    try:
        request = ExecuteBody.model_validate_json(body)
    except ValidationError:
        return None
    cached = plans.get(plan_key(credential, action_id, request), runtime.generation.current())
    if cached is None:
        return None
    return functools.partial(cached.run, request.params)
