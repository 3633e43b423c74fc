"""Running an action through its connector: `CompiledAction` (what does not depend on the
binding values, done once) and `execute_action`, the single entry point.

`execute_action` never raises for anything a user can cause: every failure becomes a result with
`isExecutionSuccess: false` and an `error` of `{code, message, hint}`. Secrets of the connection
config never appear in a result: they are redacted wherever their text shows up.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lowcraft.actions.query_binding import BoundQuery, bind_query
from lowcraft.connectors.base import DEFAULT_POLICY, Connection, Connector, InstancePolicy, Limits
from lowcraft.connectors.errors import ConnectorError
from lowcraft.connectors.pools import PoolManager, default_pools
from lowcraft.connectors.registry import ConnectorRegistry
from lowcraft.connectors.registry import registry as default_registry
from lowcraft.connectors.schema import BindingKind, binding_kinds, secret_paths
from lowcraft.connectors.secrets import Redactor
from lowcraft.connectors.validation import validated

log = logging.getLogger(__name__)

DEFAULT_LIMITS = Limits()


def _failure(error: ConnectorError, started: float, request: Any, redact: Redactor) -> dict[str, Any]:
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
    redact: Redactor

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
        redact = Redactor(connection_config, secret_paths(connector.connection_schema))
        try:
            config = validated(connector.connection_schema, connection_config, "datasource configuration")
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
            query = validated(connector.query_schema, bound.config, "query configuration")
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
    return _failure(error, time.perf_counter(), None, Redactor({}, []))


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
    for this call only); `prepared_statements=False` writes SQL values into the text as Appsmith does.
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
