"""Datasources: CRUD by Developers and Administrators, secrets encrypted at rest and masked in
every response, connection tests and structure per environment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from lowcraft.accounts.permissions import Role, require_user, require_workspace, workspace_role
from lowcraft.actions.execution import mask_secrets, merge_secrets
from lowcraft.actions.models import Action
from lowcraft.audit.service import record
from lowcraft.connectors.base import Connector
from lowcraft.connectors.errors import UnknownConnector
from lowcraft.connectors.registry import registry as connectors
from lowcraft.context import Context
from lowcraft.datasources.exceptions import (
    DatasourceInUse,
    DatasourceNotFound,
    EnvironmentNotConfigured,
    InvalidConfig,
    UnknownEnvironment,
)
from lowcraft.datasources.models import ENVIRONMENTS, Datasource, DatasourceConfig
from lowcraft.errors import PermissionDenied, ValidationFailed
from lowcraft.store.types import utcnow
from lowcraft.workspaces.models import Workspace


@dataclass
class DatasourceView:
    datasource: Datasource
    configs: dict[str, dict[str, Any]]  # environment -> config with secrets masked


@dataclass
class ResolvedConnection:
    """What executing against a datasource needs: the connector and a decrypted config."""

    datasource_id: str
    connector_type: str
    config: dict[str, Any]
    workspace_id: str
    private_networks: bool | None = None
    """The workspace's private-network access as an instance administrator set it (None: the
    instance default); `Runtime.workspace_policy` turns it into the policy connections obey."""


def connector_for(name: str) -> Connector[Any, Any]:
    try:
        return connectors.get(name)
    except UnknownConnector:
        raise ValidationFailed(
            f"Unknown connector '{name}'. Available: {', '.join(connectors.names())}.", details={"field": "connector"}
        ) from None


def check_environment(environment: str) -> str:
    if environment not in ENVIRONMENTS:
        raise UnknownEnvironment(
            f"Unknown environment '{environment}'. Use one of: {', '.join(ENVIRONMENTS)}.",
            details={"field": "environment"},
        )
    return environment


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


def _context(datasource_id: str, environment: str) -> str:
    return f"datasource:{datasource_id}:{environment}"


def _decrypt(ctx: Context, row: DatasourceConfig) -> dict[str, Any]:
    value: dict[str, Any] = ctx.runtime.secret_box.decrypt_json(row.encrypted, _context(row.datasource_id, row.environment))
    return value


def _configs(ctx: Context, datasource_id: str) -> dict[str, DatasourceConfig]:
    rows = ctx.db.scalars(select(DatasourceConfig).where(DatasourceConfig.datasource_id == datasource_id)).all()
    return {r.environment: r for r in rows}


def _view(ctx: Context, ds: Datasource) -> DatasourceView:
    configs = {
        env: mask_secrets(ds.connector, _decrypt(ctx, row)) for env, row in sorted(_configs(ctx, ds.id).items())
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


def _store_configs(ctx: Context, ds: Datasource, configs: dict[str, dict[str, Any]]) -> list[str]:
    existing = _configs(ctx, ds.id)
    changed = []
    for environment, config in configs.items():
        check_environment(environment)
        row = existing.get(environment)
        if row is not None:
            config = merge_secrets(ds.connector, config, _decrypt(ctx, row))
        clean = validate_config(ds.connector, config)
        encrypted = ctx.runtime.secret_box.encrypt_json(clean, _context(ds.id, environment))
        if row is None:
            ctx.db.add(DatasourceConfig(datasource_id=ds.id, environment=environment, encrypted=encrypted))
        else:
            row.encrypted = encrypted
        changed.append(environment)
    return changed


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
    environments = _store_configs(ctx, ds, configs)
    record(ctx, "datasource.created", "datasource", ds.id, ds.name, workspace_id=workspace_id,
           summary={"connector": connector, "environments": environments})
    return _view(ctx, ds)


def get_datasource(ctx: Context, datasource_id: str) -> DatasourceView:
    return _view(ctx, _load(ctx, datasource_id))


def update_datasource(
    ctx: Context, datasource_id: str, name: str | None, configs: dict[str, dict[str, Any]] | None,
    remove_environments: list[str] | None = None,
) -> DatasourceView:
    ds = _load(ctx, datasource_id)
    summary: dict[str, Any] = {}
    if name is not None:
        ds.name = _clean_name(ctx, ds.workspace_id, name, except_id=ds.id)
        summary["name"] = ds.name
    if configs:
        summary["environments"] = _store_configs(ctx, ds, configs)
    for environment in remove_environments or []:
        row = _configs(ctx, ds.id).get(check_environment(environment))
        if row is not None:
            ctx.db.delete(row)
            summary.setdefault("removed", []).append(environment)
    ds.updated_at = utcnow()
    record(ctx, "datasource.updated", "datasource", ds.id, ds.name, workspace_id=ds.workspace_id, summary=summary)
    return _view(ctx, ds)


def delete_datasource(ctx: Context, datasource_id: str) -> None:
    ds = _load(ctx, datasource_id)
    users = ctx.db.scalars(select(Action.name).where(Action.datasource_id == ds.id).order_by(Action.name)).all()
    if users:
        raise DatasourceInUse(
            f"Queries still use this datasource: {', '.join(users[:10])}. Delete or move them first.",
            details={"actions": list(users)},
        )
    ctx.db.delete(ds)
    record(ctx, "datasource.deleted", "datasource", ds.id, ds.name, workspace_id=ds.workspace_id)


def resolve_connection(ctx: Context, datasource_id: str, environment: str) -> ResolvedConnection:
    """The decrypted config for an execution; the caller has already checked permission."""
    ds = ctx.db.get(Datasource, datasource_id)
    if ds is None:
        raise DatasourceNotFound("The query's datasource no longer exists.")
    row = _configs(ctx, ds.id).get(check_environment(environment))
    if row is None:
        raise EnvironmentNotConfigured(
            f"Datasource '{ds.name}' has no configuration for the {environment} environment; a developer must add one."
        )
    private_networks = ctx.db.scalar(select(Workspace.allow_private_networks).where(Workspace.id == ds.workspace_id))
    return ResolvedConnection(ds.id, ds.connector, _decrypt(ctx, row), ds.workspace_id, private_networks)


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
