"""Every registered connector keeps the contract; one module, parametrised over the registry."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from lowcraft.actions import execute_action
from lowcraft.connectors import Connection, InstancePolicy, Limits, PoolManager, registry
from lowcraft.connectors.schema import binding_kinds
from lowcraft.connectors.secrets import MASK, mask_secrets, secret_fields
from lowcraft.datasources.checks import check_datasource

CONNECTOR_TYPES = registry.names()

# Connectors whose connection config holds no credentials at all (a local file).
WITHOUT_SECRETS = {"sqlite"}


def test_the_built_in_connectors_are_registered() -> None:
    assert set(CONNECTOR_TYPES) >= {
        "postgres", "mysql", "sqlite", "rest", "graphql", "redis", "s3", "smtp",
        "mssql", "redshift", "dynamodb", "mongodb", "firestore", "sheets", "llm", "rabbitmq", "nats",
    }


@pytest.mark.parametrize("type_name", CONNECTOR_TYPES)
def test_a_connector_takes_sql_or_documents_never_both(type_name: str) -> None:
    # Both kinds hand their values to `execute` as `params`; one connector can only mean one of them.
    connector = registry.get(type_name)
    kinds = set(binding_kinds(connector.query_schema).values())
    assert not ("sql" in kinds and "document" in kinds)
    assert ("sql" in kinds) == (connector.sql_dialect is not None)


@pytest.mark.parametrize("type_name", CONNECTOR_TYPES)
def test_schemas_are_valid_json_schemas_that_forms_can_be_built_from(type_name: str) -> None:
    connector = registry.get(type_name)
    for model in (connector.connection_schema, connector.query_schema):
        schema = model.model_json_schema()
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["type"] == "object" and schema["properties"]
    assert connector.display_name


@pytest.mark.parametrize("type_name", CONNECTOR_TYPES)
def test_secret_fields_are_declared_and_masked(type_name: str) -> None:
    connector = registry.get(type_name)
    paths = secret_fields(type_name)
    if type_name in WITHOUT_SECRETS:
        assert paths == []
        return
    assert paths, f"{type_name} declares no secret field"
    config: dict[str, Any] = {}
    for path in paths:
        *parents, last = path.split(".")
        node = config
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = "hunter2-secret"
    masked = mask_secrets(type_name, config)
    assert "hunter2-secret" not in repr(masked)
    assert MASK in repr(masked)
    connector.connection_schema.model_validate(
        {**(connector.samples.connection if connector.samples else {}), **config}
    )


@pytest.mark.parametrize("type_name", CONNECTOR_TYPES)
def test_samples_fit_the_schemas(type_name: str) -> None:
    connector = registry.get(type_name)
    samples = connector.samples
    assert samples is not None, f"{type_name} supplies no samples for the generic tests"
    connector.connection_schema.model_validate(samples.connection)
    connector.connection_schema.model_validate(samples.unreachable)
    assert set(samples.query) <= set(binding_kinds(connector.query_schema))


@pytest.mark.anyio
@pytest.mark.parametrize("type_name", CONNECTOR_TYPES)
async def test_testing_an_unreachable_datasource_gives_a_readable_reason(
    type_name: str, policy: InstancePolicy
) -> None:
    samples = registry.get(type_name).samples
    assert samples is not None
    outcome = await check_datasource(type_name, samples.unreachable, policy=policy)
    assert outcome["ok"] is False
    assert outcome["code"] in {"connection_failed", "file_not_allowed"}
    assert len(outcome["message"]) > 15 and "Traceback" not in outcome["message"]


@pytest.mark.anyio
@pytest.mark.parametrize("type_name", CONNECTOR_TYPES)
async def test_a_live_datasource_passes_its_test_and_runs_the_sample_query(
    type_name: str, live_connection: Any, policy: InstancePolicy, pools: PoolManager
) -> None:
    samples = registry.get(type_name).samples
    assert samples is not None
    config = live_connection(type_name, samples.connection)
    outcome = await check_datasource(type_name, config, policy=policy)
    assert outcome["ok"], outcome
    result = await execute_action(
        type_name,
        config,
        samples.query,
        samples.params,
        Limits(timeout_seconds=10),
        datasource_id=f"ds-{type_name}",
        policy=policy,
        pools=pools,
    )
    assert result["isExecutionSuccess"], result
    assert result["durationMs"] >= 0 and result["request"]
    structure = await registry.get(type_name).structure(
        Connection(
            registry.get(type_name).connection_schema.model_validate(config), policy=policy, pools=pools
        )
    )
    assert isinstance(structure.tables, list)


@pytest.mark.anyio
@pytest.mark.parametrize("type_name", CONNECTOR_TYPES)
async def test_a_binding_without_a_value_fails_before_anything_is_sent(
    type_name: str, policy: InstancePolicy
) -> None:
    samples = registry.get(type_name).samples
    assert samples is not None
    result = await execute_action(type_name, samples.unreachable, samples.query, {}, policy=policy)
    assert result["isExecutionSuccess"] is False
    assert result["error"]["code"] == "missing_binding"
    assert "{{" in result["error"]["message"]
