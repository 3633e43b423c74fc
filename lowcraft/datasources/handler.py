"""Datasource configs in the store: reading, decrypting and resolving them for an execution.

Database work only: nothing here checks permissions. Callers check first - the datasources
service for its routes, the action execution plans (`lowcraft.actions.execution_plans`) for a
run - and the decrypted configs never leave the server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from lowcraft.connectors.registry import registry as connectors
from lowcraft.connectors.secrets import shareable_config
from lowcraft.context import Context
from lowcraft.datasources.errors import DatasourceNotFound, EnvironmentNotConfigured, UnknownEnvironment
from lowcraft.datasources.models import ENVIRONMENTS, Datasource, DatasourceConfig

SHARED_ENVIRONMENT = "production"
"""The environment whose non-secret settings an application's files and exports carry (the one
published apps run against); the other environments stay on the instance."""
from lowcraft.workspaces.models import Workspace


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


def check_environment(environment: str) -> str:
    if environment not in ENVIRONMENTS:
        raise UnknownEnvironment(
            f"Unknown environment '{environment}'. Use one of: {', '.join(ENVIRONMENTS)}.",
            details={"field": "environment"},
        )
    return environment


def encryption_context(datasource_id: str, environment: str) -> str:
    """What a config's ciphertext is bound to, so it cannot be moved to another datasource or environment."""
    return f"datasource:{datasource_id}:{environment}"


def decrypt_config(ctx: Context, row: DatasourceConfig) -> dict[str, Any]:
    value: dict[str, Any] = ctx.runtime.secret_box.decrypt_json(row.encrypted, encryption_context(row.datasource_id, row.environment))
    return value


def configs_of(ctx: Context, datasource_id: str) -> dict[str, DatasourceConfig]:
    rows = ctx.db.scalars(select(DatasourceConfig).where(DatasourceConfig.datasource_id == datasource_id)).all()
    return {r.environment: r for r in rows}


def resolve_connection(ctx: Context, datasource_id: str, environment: str) -> ResolvedConnection:
    """The decrypted config for an execution; the caller has already checked permission."""
    ds = ctx.db.get(Datasource, datasource_id)
    if ds is None:
        raise DatasourceNotFound("The query's datasource no longer exists.")
    row = configs_of(ctx, ds.id).get(check_environment(environment))
    if row is None:
        raise EnvironmentNotConfigured(
            f"Datasource '{ds.name}' has no configuration for the {environment} environment; a developer must add one."
        )
    private_networks = ctx.db.scalar(select(Workspace.allow_private_networks).where(Workspace.id == ds.workspace_id))
    return ResolvedConnection(ds.id, ds.connector, decrypt_config(ctx, row), ds.workspace_id, private_networks)


def shared_settings(ctx: Context, ds: Datasource) -> dict[str, Any]:
    """The datasource's non-secret settings of the `SHARED_ENVIRONMENT` (`shareable_config`):
    empty when that environment is not configured or the connector is unknown here."""
    if ds.connector not in connectors:
        return {}
    row = configs_of(ctx, ds.id).get(SHARED_ENVIRONMENT)
    return shareable_config(ds.connector, decrypt_config(ctx, row)) if row is not None else {}
