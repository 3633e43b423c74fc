"""The datasource editor's Test button and structure browser: a connector's `test` and
`structure` on a decrypted config, with secrets redacted from what they return."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lowcraft.connectors.base import DEFAULT_POLICY, Connection, InstancePolicy
from lowcraft.connectors.errors import ConnectorError
from lowcraft.connectors.pools import PoolManager, default_pools
from lowcraft.connectors.registry import ConnectorRegistry
from lowcraft.connectors.registry import registry as default_registry
from lowcraft.connectors.schema import secret_paths
from lowcraft.connectors.secrets import Redactor
from lowcraft.connectors.validation import validated


async def check_datasource(
    connector_type: str,
    connection_config: Mapping[str, Any],
    *,
    policy: InstancePolicy = DEFAULT_POLICY,
    registry: ConnectorRegistry = default_registry,
) -> dict[str, Any]:
    """`{"ok", "message", "code", "hint"}` for the datasource "Test" button; never raises."""
    try:
        connector = registry.get(connector_type)
        redact = Redactor(connection_config, secret_paths(connector.connection_schema))
        config = validated(connector.connection_schema, connection_config, "datasource configuration")
        outcome = await connector.test(Connection(config, policy=policy))
    except ConnectorError as error:
        return {"ok": False, "message": error.message, "code": error.code, "hint": error.hint}
    return redact({"ok": outcome.ok, "message": outcome.message, "code": outcome.code, "hint": outcome.hint})  # type: ignore[no-any-return]


async def datasource_structure(
    connector_type: str,
    connection_config: Mapping[str, Any],
    *,
    datasource_id: str | None = None,
    policy: InstancePolicy = DEFAULT_POLICY,
    pools: PoolManager = default_pools,
    registry: ConnectorRegistry = default_registry,
) -> dict[str, Any]:
    """Tables and columns of a datasource; raises `ConnectorError` (the route maps it to HTTP)."""
    connector = registry.get(connector_type)
    config = validated(connector.connection_schema, connection_config, "datasource configuration")
    conn = Connection(config, datasource_id=datasource_id, policy=policy, pools=pools)
    return (await connector.structure(conn)).as_dict()
