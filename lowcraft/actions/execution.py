"""The single entry point that runs an action, and the secret handling of datasource configs.

`execute_action` never raises for anything a user can cause: every failure becomes a result with
`isExecutionSuccess: false` and an `error` of `{code, message, hint}`. Secrets of the connection
config never appear in a result: they are redacted wherever their text shows up.
"""

from __future__ import annotations

import copy
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from lowcraft import jsontext
from lowcraft.actions.binding import BoundQuery, bind_query
from lowcraft.connectors.base import Connection, Connector, InstancePolicy, Limits
from lowcraft.connectors.errors import BadParameters, ConnectorError
from lowcraft.connectors.pools import PoolManager, default_pools
from lowcraft.connectors.registry import ConnectorRegistry
from lowcraft.connectors.registry import registry as default_registry
from lowcraft.connectors.schema import BindingKind, binding_kinds, secret_paths

log = logging.getLogger(__name__)

MASK = "********"
"""What a secret looks like in every response; writing it back keeps the stored secret."""

REDACTED = "****"
_MIN_REDACTED_LENGTH = 3
DEFAULT_LIMITS = Limits()
DEFAULT_POLICY = InstancePolicy()
"""Production defaults: no private networks, no loopback, no SQLite files."""  # shorter "secrets" would blank out ordinary text


def secret_fields(connector_type: str, *, registry: ConnectorRegistry = default_registry) -> list[str]:
    """Dotted paths of the secret fields of a connector's connection config."""
    return secret_paths(registry.get(connector_type).connection_schema)


def _get_path(config: Mapping[str, Any], path: str) -> Any:
    node: Any = config
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _set_path(config: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = config
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            return
        node = child
    node[last] = value


def mask_secrets(
    connector_type: str, config: Mapping[str, Any], *, registry: ConnectorRegistry = default_registry
) -> dict[str, Any]:
    """A copy of `config` fit for a response: each non-empty secret replaced by `MASK`."""
    masked = copy.deepcopy(dict(config))
    for path in secret_fields(connector_type, registry=registry):
        if _get_path(masked, path):
            _set_path(masked, path, MASK)
    return masked


def merge_secrets(
    connector_type: str,
    new_config: Mapping[str, Any],
    old_config: Mapping[str, Any],
    *,
    registry: ConnectorRegistry = default_registry,
) -> dict[str, Any]:
    """The config to store after an update: secrets sent back still masked keep their stored value."""
    merged = copy.deepcopy(dict(new_config))
    for path in secret_fields(connector_type, registry=registry):
        if _get_path(merged, path) == MASK:
            _set_path(merged, path, _get_path(old_config, path))
    return merged


def _validation_message(what: str, exc: ValidationError) -> str:
    # Only locations and messages: pydantic's own text includes the input values, maybe secrets.
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'config'}: {e['msg']}" for e in exc.errors()
    )
    return f"The {what} is not valid: {problems}"


def _validate(model: type[BaseModel], data: Mapping[str, Any], what: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadParameters(_validation_message(what, exc)) from None


class _Redactor:
    """Replaces the text of every secret in the connection config wherever it appears."""

    def __init__(self, config: Mapping[str, Any], paths: list[str]) -> None:
        values = (_get_path(config, p) for p in paths)
        self.secrets = sorted(
            {v for v in values if isinstance(v, str) and len(v) >= _MIN_REDACTED_LENGTH},
            key=len,
            reverse=True,
        )
        # How each secret reads inside JSON text: JSON escapes character by character, so a value
        # holding a secret holds this in its encoding.
        self._encoded = [jsontext.dumps(secret)[1:-1] for secret in self.secrets]

    def __call__(self, value: Any) -> Any:
        if not self.secrets:
            return value
        if isinstance(value, (dict, list)):
            # Results are large and almost never hold a secret: one search of their JSON text
            # (in C) decides whether the walk is needed at all.
            text = jsontext.dumps(value)
            if not any(encoded in text for encoded in self._encoded):
                return value
        return self._walk(value)

    def _walk(self, value: Any) -> Any:
        if isinstance(value, str):
            for secret in self.secrets:
                value = value.replace(secret, REDACTED)
            return value
        if isinstance(value, dict):
            return {k: self._walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._walk(v) for v in value]
        return value


def _failure(error: ConnectorError, started: float, request: Any, redact: _Redactor) -> dict[str, Any]:
    details = error.details
    return {
        "isExecutionSuccess": False,
        "statusCode": details.get("statusCode"),
        "body": redact(details.get("body")),
        "headers": details.get("headers", {}),
        "rowCount": None,
        "columns": [],
        "durationMs": round((time.perf_counter() - started) * 1000, 2),
        "request": redact(request),
        "error": redact(error.as_dict()),
    }


@dataclass(slots=True)
class CompiledAction:
    """A stored action with everything that does not depend on its binding values done once:
    the connector looked up, the connection config validated, its pool key and secrets found.

    The execute route keeps one per cached execution plan, so a published app's queries pay
    only for binding their values and running.
    """

    connector_type: str
    connector: Connector[Any, Any]
    connection: Connection[Any]
    query_config: Mapping[str, Any]
    kinds: Mapping[str, BindingKind]
    prepared_statements: bool
    redact: _Redactor

    @classmethod
    def compile(
        cls,
        connector_type: str,
        connection_config: Mapping[str, Any],
        query_config: Mapping[str, Any],
        *,
        datasource_id: str | None = None,
        prepared_statements: bool = True,
        policy: InstancePolicy = DEFAULT_POLICY,
        pools: PoolManager = default_pools,
        registry: ConnectorRegistry = default_registry,
    ) -> CompiledAction:
        """Raises `ConnectorError` for an unknown connector or an invalid connection config."""
        connector = registry.get(connector_type)
        redact = _Redactor(connection_config, secret_paths(connector.connection_schema))
        try:
            config = _validate(connector.connection_schema, connection_config, "datasource configuration")
        except ConnectorError as error:
            error.message, error.hint = redact(error.message), redact(error.hint)
            raise
        return cls(
            connector_type=connector_type,
            connector=connector,
            connection=Connection(config, datasource_id=datasource_id, policy=policy, pools=pools),
            query_config=query_config,
            kinds=binding_kinds(connector.query_schema),
            prepared_statements=prepared_statements,
            redact=redact,
        )

    async def run(self, params: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
        """Bind `params` and execute; always returns a result dict (see `execute_action`)."""
        started = time.perf_counter()
        request: Any = None
        connector = self.connector
        try:
            bound: BoundQuery = bind_query(
                self.query_config, self.kinds, params, dialect=connector.sql_dialect, prepared=self.prepared_statements
            )
            request = {"query": bound.config, "params": bound.sql_params}
            query = _validate(connector.query_schema, bound.config, "query configuration")
            result = await connector.execute(self.connection, query, bound.sql_params, limits)
        except ConnectorError as error:
            return _failure(error, started, request, self.redact)
        except Exception:  # noqa: BLE001 - see _internal_error
            return _failure(_internal_error(self.connector_type), started, request, self.redact)
        redact = self.redact
        return {
            "isExecutionSuccess": True,
            "statusCode": result.status_code,
            "body": redact(result.body),
            "headers": result.headers,
            "rowCount": result.row_count,
            "columns": result.columns,
            "durationMs": round((time.perf_counter() - started) * 1000, 2),
            "request": redact(result.request),
        }


def _internal_error(connector_type: str) -> ConnectorError:
    # A connector bug must not take the server down or leak a traceback to the app.
    log.exception("%s execution failed unexpectedly", connector_type)
    internal = ConnectorError("The action failed because of an internal error.", "Check the server log.")
    internal.code = "internal_error"
    return internal


VIEWER_FIELDS = ("isExecutionSuccess", "statusCode", "body", "headers", "durationMs", "error")
"""What a published app reads of a result: its data, the response's status and headers, and an
error it can show (`.data`, `.responseMeta`, the run's failure)."""

# Errors about the connection itself: their messages name hosts, ports, users and files of the
# datasource's configuration, which viewers never see.
_CONNECTION_ERRORS = frozenset({"connection_failed", "auth_failed", "forbidden_address", "file_not_allowed"})

# An absolute (or ../-relative) file path: after a space, quote or bracket, not inside a URL.
_FILE_PATH = re.compile(r"""(?<![\w.:/~-])(?:~|\.{1,2})?/(?:[^\s'"`/),;]+/)*[^\s'"`/),;]+|\b[A-Za-z]:\\[^\s'"`),;]+""")


def _without_paths(text: str) -> str:
    return _FILE_PATH.sub("[path]", text)


def for_viewer(result: dict[str, Any]) -> dict[str, Any]:
    """A result as a viewer of a published app receives it: without the query sent (SQL text,
    bound values, request), row and column details, file paths or the datasource's connection
    details in error messages. Developers running in edit mode see the whole result."""
    shown = {key: result[key] for key in VIEWER_FIELDS if key in result}
    error = result.get("error")
    if error:
        code = str(error.get("code"))
        if code in _CONNECTION_ERRORS:
            message = "The application could not use its datasource."
            hint = "Ask the application's developers: running the query in the editor shows them why."
        else:
            # The first line is the database's own words; the lines after it quote the query.
            message = _without_paths(str(error.get("message") or "").split("\n", 1)[0])
            hint = _without_paths(str(error.get("hint") or ""))
        shown["error"] = {"code": code, "message": message, "hint": hint}
    return shown


def compile_failure(error: ConnectorError) -> dict[str, Any]:
    """The result of an action that could not even be compiled (see `CompiledAction.compile`)."""
    return _failure(error, time.perf_counter(), None, _Redactor({}, []))


async def execute_action(
    connector_type: str,
    connection_config: Mapping[str, Any],
    query_config: Mapping[str, Any],
    params: Mapping[str, Any],
    limits: Limits = DEFAULT_LIMITS,
    *,
    datasource_id: str | None = None,
    prepared_statements: bool = True,
    policy: InstancePolicy = DEFAULT_POLICY,
    pools: PoolManager = default_pools,
    registry: ConnectorRegistry = default_registry,
) -> dict[str, Any]:
    """Run a stored action with the binding values the client sent; always returns a result dict.

    `datasource_id` lets executions share a connection pool (without it a connection is opened
    for this call only); `prepared_statements=False` inlines SQL values as escaped literals.
    """
    try:
        compiled = CompiledAction.compile(
            connector_type, connection_config, query_config, datasource_id=datasource_id,
            prepared_statements=prepared_statements, policy=policy, pools=pools, registry=registry,
        )
    except ConnectorError as error:
        return compile_failure(error)
    except Exception:  # noqa: BLE001 - see _internal_error
        return compile_failure(_internal_error(connector_type))
    return await compiled.run(params, limits)


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
        redact = _Redactor(connection_config, secret_paths(connector.connection_schema))
        config = _validate(connector.connection_schema, connection_config, "datasource configuration")
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
    config = _validate(connector.connection_schema, connection_config, "datasource configuration")
    conn = Connection(config, datasource_id=datasource_id, policy=policy, pools=pools)
    return (await connector.structure(conn)).as_dict()
