"""Datasources: CRUD by Developers and Administrators, secrets encrypted at rest and masked in
every response, connection tests and structure per environment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from lowcraft.appmodel.models import Action, Page
from lowcraft.audit.handler import record
from lowcraft.connectors.base import Connector
from lowcraft.connectors.errors import ConnectorError, UnknownConnector
from lowcraft.connectors.pools import default_pools
from lowcraft.connectors.registry import PLACEHOLDER_CONNECTOR
from lowcraft.connectors.registry import registry as connectors
from lowcraft.connectors.secrets import mask_secrets, merge_secrets, secret_fields, shareable_config
from lowcraft.context import Context
from lowcraft.datasources.checks import check_datasource, datasource_structure
from lowcraft.datasources.errors import (
    DatasourceInUse,
    DatasourceNotFound,
    InvalidConfig,
)
from lowcraft.datasources.handler import (
    SHARED_ENVIRONMENT,
    ResolvedConnection,
    check_environment,
    configs_of,
    decrypt_config,
    encryption_context,
    resolve_connection,
)
from lowcraft.datasources.models import Datasource, DatasourceConfig
from lowcraft.errors import PermissionDenied, ValidationFailed
from lowcraft.store.types import utcnow
from lowcraft.workspaces.permissions import Role, require_user, require_workspace, workspace_role


@dataclass
class DatasourceView:
    datasource: Datasource
    configs: dict[str, dict[str, Any]]  # environment -> config with secrets masked


def connector_for(name: str) -> Connector[Any, Any]:
    try:
        return connectors.get(name)
    except UnknownConnector:
        raise ValidationFailed(
            f"Unknown connector '{name}'. Available: {', '.join(connectors.names())}.", details={"field": "connector"}
        ) from None


def validate_config(connector_type: str, config: dict[str, Any]) -> dict[str, Any]:
    """The config as the connector's schema reads it; errors name fields, never echo values."""
    schema = connector_for(connector_type).connection_schema
    try:
        model = schema.model_validate(config)
    except ValidationError as exc:
        problems = [
            {"field": ".".join(str(p) for p in e["loc"]) or "config", "message": e["msg"]} for e in exc.errors()
        ]
        first = problems[0]
        raise InvalidConfig(f"{first['field']}: {first['message']}", details={"fields": problems}) from None
    return dict(model.model_dump(mode="json", by_alias=True))


def _view(ctx: Context, ds: Datasource) -> DatasourceView:
    configs = {
        env: mask_secrets(ds.connector, decrypt_config(ctx, row)) for env, row in sorted(configs_of(ctx, ds.id).items())
    }
    return DatasourceView(ds, configs)


def _clean_name(ctx: Context, workspace_id: str, name: str, except_id: str = "") -> str:
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailed("A datasource needs a name of at most 100 characters.", details={"field": "name"})
    clash = ctx.db.scalar(
        select(Datasource.id).where(Datasource.workspace_id == workspace_id, Datasource.name == name, Datasource.id != except_id)
    )
    if clash:
        raise ValidationFailed(f"This workspace has a datasource named '{name}' already.", details={"field": "name"})
    return name


def _load(ctx: Context, datasource_id: str, minimum: Role = Role.DEVELOPER) -> Datasource:
    require_user(ctx)
    ds = ctx.db.get(Datasource, datasource_id)
    role = workspace_role(ctx, ds.workspace_id) if ds else None
    if ds is None or role is None:  # a non-member must not learn the datasource exists
        raise DatasourceNotFound("Datasource not found.")
    if not role.allows(minimum):
        raise PermissionDenied("Only developers and administrators may use datasources directly.")
    return ds


def _storeconfigs_of(ctx: Context, ds: Datasource, configs: dict[str, dict[str, Any]]) -> list[str]:
    existing = configs_of(ctx, ds.id)
    changed = []
    for environment, config in configs.items():
        check_environment(environment)
        row = existing.get(environment)
        if row is not None:
            config = merge_secrets(ds.connector, config, decrypt_config(ctx, row))
        clean = validate_config(ds.connector, config)
        encrypted = ctx.runtime.secret_box.encrypt_json(clean, encryption_context(ds.id, environment))
        if row is None:
            ctx.db.add(DatasourceConfig(datasource_id=ds.id, environment=environment, encrypted=encrypted))
        else:
            row.encrypted = encrypted
        changed.append(environment)
    return changed


def configure_from_shared(ctx: Context, ds: Datasource, settings: dict[str, Any]) -> str | None:
    """Give a datasource just made for an imported app the non-secret `settings` its files record,
    as its `SHARED_ENVIRONMENT` config (secret fields in them are ignored); the caller checked the
    role. Returns why it could not (settings the connector refuses without its secrets, say)."""
    try:
        clean = validate_config(ds.connector, shareable_config(ds.connector, settings))
    except InvalidConfig as exc:
        return f"its settings were not applied ({exc.message})"
    encrypted = ctx.runtime.secret_box.encrypt_json(clean, encryption_context(ds.id, SHARED_ENVIRONMENT))
    ctx.db.add(DatasourceConfig(datasource_id=ds.id, environment=SHARED_ENVIRONMENT, encrypted=encrypted))
    ctx.db.flush()
    return None


def has_secrets(connector_type: str) -> bool:
    """Whether the connector's connection config has secret fields (a credential to add)."""
    return bool(secret_fields(connector_type)) if connector_type in connectors else False


def list_datasources(ctx: Context, workspace_id: str) -> list[DatasourceView]:
    require_workspace(ctx, workspace_id, Role.DEVELOPER)
    rows = ctx.db.scalars(select(Datasource).where(Datasource.workspace_id == workspace_id).order_by(Datasource.name)).all()
    return [_view(ctx, ds) for ds in rows]


def create_datasource(
    ctx: Context, workspace_id: str, name: str, connector: str, configs: dict[str, dict[str, Any]]
) -> DatasourceView:
    require_workspace(ctx, workspace_id, Role.DEVELOPER)
    connector_for(connector)
    ds = Datasource(
        workspace_id=workspace_id, name=_clean_name(ctx, workspace_id, name), connector=connector,
        created_by=ctx.user.id if ctx.user else None,
    )
    ctx.db.add(ds)
    ctx.db.flush()
    environments = _storeconfigs_of(ctx, ds, configs)
    record(ctx, "datasource.created", "datasource", ds.id, ds.name, workspace_id=workspace_id,
           summary={"connector": connector, "environments": environments})
    return _view(ctx, ds)


def get_datasource(ctx: Context, datasource_id: str) -> DatasourceView:
    return _view(ctx, _load(ctx, datasource_id))


def update_datasource(
    ctx: Context, datasource_id: str, name: str | None, configs: dict[str, dict[str, Any]] | None,
    remove_environments: list[str] | None = None, connector: str | None = None,
) -> DatasourceView:
    ds = _load(ctx, datasource_id)
    summary: dict[str, Any] = {}
    if connector is not None and connector != ds.connector:
        summary["connector"] = _choose_connector(ctx, ds, connector)
    elif configs and ds.connector == PLACEHOLDER_CONNECTOR:
        raise ValidationFailed(
            f"'{ds.name}' is a placeholder for a kind of datasource Lowcraft cannot run yet: pick a connector "
            "for it first.", details={"field": "connector"},
        )
    if name is not None:
        ds.name = _clean_name(ctx, ds.workspace_id, name, except_id=ds.id)
        summary["name"] = ds.name
    if configs:
        summary["environments"] = _storeconfigs_of(ctx, ds, configs)
    for environment in remove_environments or []:
        row = configs_of(ctx, ds.id).get(check_environment(environment))
        if row is not None:
            ctx.db.delete(row)
            summary.setdefault("removed", []).append(environment)
    ds.updated_at = utcnow()
    record(ctx, "datasource.updated", "datasource", ds.id, ds.name, workspace_id=ds.workspace_id, summary=summary)
    return _view(ctx, ds)


SCRIPT_KEYS = ("sql", "command", "query")
"""Where a connector's query schema may take the text of a query kept from a placeholder."""


def _choose_connector(ctx: Context, ds: Datasource, connector: str) -> dict[str, Any]:
    """Give a placeholder datasource (an imported kind Lowcraft lacked) a real connector. Its queries
    follow: each keeps its text where the connector's query schema takes one (`sql`, `command`,
    `query`), else starts from the connector's defaults for the developer to complete."""
    if ds.connector != PLACEHOLDER_CONNECTOR:
        raise ValidationFailed(
            "Only a placeholder datasource can change its connector; create a new datasource instead.",
            details={"field": "connector"},
        )
    schema = connector_for(connector).query_schema
    moved = []
    for action in ctx.db.scalars(select(Action).where(Action.datasource_id == ds.id)).all():
        body = action.config.get("body") if isinstance(action.config, dict) else None
        candidates = [{key: body} for key in SCRIPT_KEYS if isinstance(body, str)] + [{}]
        for candidate in candidates:
            try:
                action.config = schema.model_validate(candidate).model_dump(mode="json", by_alias=True)
                break
            except ValidationError:
                continue
        else:
            action.config = {}
        action.connector = connector
        moved.append(action.name)
    ds.connector = connector
    return {"from": PLACEHOLDER_CONNECTOR, "to": connector, "actions": moved}


def delete_datasource(ctx: Context, datasource_id: str) -> None:
    ds = _load(ctx, datasource_id)
    # Names are per page: say which page's query it is.
    rows = ctx.db.execute(
        select(Action.name, Page.name).join(Page, Page.id == Action.page_id)
        .where(Action.datasource_id == ds.id).order_by(Action.name, Page.name)
    ).all()
    users = [f"{action} (page {page})" for action, page in rows]
    if users:
        raise DatasourceInUse(
            f"Queries still use this datasource: {', '.join(users[:10])}. Delete or move them first.",
            details={"actions": users},
        )
    ctx.db.delete(ds)
    record(ctx, "datasource.deleted", "datasource", ds.id, ds.name, workspace_id=ds.workspace_id)


def connection_for_check(ctx: Context, datasource_id: str, environment: str) -> ResolvedConnection:
    """The decrypted config for the test and structure endpoints (Developers only)."""
    ds = _load(ctx, datasource_id)
    return resolve_connection(ctx, ds.id, environment)


def unsaved_config(
    ctx: Context, workspace_id: str, connector_type: str, config: dict[str, Any]
) -> tuple[dict[str, Any], bool | None]:
    """A config for the editor's Test button before the datasource is saved, and the workspace's
    private-network access (see `ResolvedConnection.private_networks`)."""
    workspace, _ = require_workspace(ctx, workspace_id, Role.DEVELOPER)
    return validate_config(connector_type, config), workspace.allow_private_networks


# --- connections: these wait on the datasource's server, so they are async and run the store
# work above in a worker thread.


async def check_unsaved(ctx: Context, workspace_id: str, connector_type: str, config: dict[str, Any]) -> dict[str, Any]:
    """The editor's Test button before the datasource is saved (Developers of the workspace)."""
    checked, private_networks = await run_in_threadpool(unsaved_config, ctx, workspace_id, connector_type, config)
    return await check_datasource(
        connector_type, checked, policy=ctx.runtime.workspace_policy(workspace_id, private_networks)
    )


async def check_saved(ctx: Context, datasource_id: str, environment: str) -> dict[str, Any]:
    """The Test button of a saved datasource, on one environment's config; never raises for the connection."""
    resolved = await run_in_threadpool(connection_for_check, ctx, datasource_id, environment)
    policy = ctx.runtime.workspace_policy(resolved.workspace_id, resolved.private_networks)
    return await check_datasource(resolved.connector_type, resolved.config, policy=policy)


async def browse_structure(ctx: Context, datasource_id: str, environment: str) -> dict[str, Any]:
    """Tables and columns, or `ok: false` with the connector's error (the editor shows it)."""
    resolved = await run_in_threadpool(connection_for_check, ctx, datasource_id, environment)
    try:
        found = await datasource_structure(
            resolved.connector_type, resolved.config, datasource_id=resolved.datasource_id,
            policy=ctx.runtime.workspace_policy(resolved.workspace_id, resolved.private_networks),
        )
    except ConnectorError as error:
        return {"ok": False, "tables": [], "error": error.as_dict()}
    return {"ok": True, **found}


async def change_datasource(
    ctx: Context,
    datasource_id: str,
    name: str | None,
    configs: dict[str, dict[str, Any]] | None,
    remove_environments: list[str] | None,
    connector: str | None = None,
) -> DatasourceView:
    """`update_datasource`, then close pooled connections made with the old credentials."""
    view = await run_in_threadpool(
        update_datasource, ctx, datasource_id, name, configs, remove_environments, connector
    )
    if configs or remove_environments:
        await default_pools.discard(datasource_id)
    return view


async def remove_datasource(ctx: Context, datasource_id: str) -> None:
    """`delete_datasource`, then close its pooled connections."""
    await run_in_threadpool(delete_datasource, ctx, datasource_id)
    await default_pools.discard(datasource_id)
