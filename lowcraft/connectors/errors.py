"""The connector error hierarchy.

Every failure a connector can report is one of these classes. Each carries a stable `code` (what
the API and the web runtime switch on), a readable `message` (the database's or server's own words
where they help) and a `hint` (what the developer can do about it). Drivers raise their own
exceptions; each connector translates them once, at its boundary, in its `map_errors` context
manager, so nothing above the connector ever sees a psycopg or httpx exception.
"""

from __future__ import annotations

from typing import Any


class ConnectorError(Exception):
    """Base class: an execution, test or structure call that could not complete."""

    code = "connector_error"
    default_hint = ""

    def __init__(self, message: str, hint: str | None = None, *, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = self.default_hint if hint is None else hint
        self.details = details or {}

    def as_dict(self) -> dict[str, str]:
        """The `error` member of an execution result."""
        return {"code": self.code, "message": self.message, "hint": self.hint}


class ConnectionFailed(ConnectorError):
    """The server could not be reached, refused the connection, or dropped it mid-way."""

    code = "connection_failed"
    default_hint = (
        "Check the host, port and network access of the datasource, and that the server is running."
    )


class AuthFailed(ConnectorError):
    """The server was reached but rejected the credentials."""

    code = "auth_failed"
    default_hint = "Check the user name and password (or token) in the datasource configuration."


class Timeout(ConnectorError):
    """The execution did not finish within its time limit and was cancelled."""

    code = "timeout"
    default_hint = "Make the query faster (indexes, a LIMIT) or raise the action's timeout."


class QueryFailed(ConnectorError):
    """The server ran the request and reported an error (syntax, constraint, HTTP status ...)."""

    code = "query_failed"
    default_hint = "Check the query; the message above is the server's own."


class ConnectionBudgetExhausted(ConnectorError):
    """Every datasource connection this server process may open (LOWCRAFT_DATASOURCE_CONNECTIONS) stayed in use."""

    code = "connection_budget_exhausted"


class ResponseTooLarge(ConnectorError):
    """The result exceeded the instance's response size cap; nothing was returned."""

    code = "response_too_large"
    # The builder reads this under the widget that shows the data: say what to change, and where.
    default_hint = (
        "Fetch less at a time: page the data on the server (turn on the table's server-side "
        "pagination and use its page in LIMIT/OFFSET), add a LIMIT or select fewer columns, or "
        "raise the instance's LOWCRAFT_MAX_RESPONSE_MB setting."
    )


class ForbiddenAddress(ConnectorError):
    """A connection targeted an address the instance refuses (metadata, link-local, the instance's
    own services, private networks the workspace may not reach)."""

    code = "forbidden_address"
    default_hint = (
        "Link-local and cloud metadata addresses are always refused; private networks need an instance "
        "administrator's permission for the workspace, or LOWCRAFT_ALLOW_PRIVATE_NETWORKS."
    )


class BadParameters(ConnectorError):
    """The query or connection config, or a parameter value, is not acceptable before anything is sent."""

    code = "bad_parameters"
    default_hint = "Check the action's configuration and the values its bindings evaluate to."


class InvalidParameter(BadParameters):
    """A binding's value cannot be handed to the driver (an integer beyond what the database stores)."""

    code = "invalid_parameter"
    default_hint = "Send the value as text, or a number the database can store (64-bit integers for SQLite)."


class MissingBinding(BadParameters):
    """The stored query holds a binding for which the request carried no value."""

    code = "missing_binding"
    default_hint = "Send a value for every {{ }} binding, keyed by its exact source text."


class UnknownBinding(BadParameters):
    """The request carried a value for a binding the stored query does not hold (a stale client)."""

    code = "unknown_binding"
    default_hint = "The action changed since the page loaded its bindings; reload the page and run it again."


class FileNotAllowed(ConnectorError):
    """A file path lies outside the directories the instance allows connectors to open."""

    code = "file_not_allowed"
    default_hint = "Ask the instance administrator to add the file's directory to the allowed list."


class NotSupported(ConnectorError):
    """The connector does not offer this operation (e.g. structure of a key-value store)."""

    code = "not_supported"
    default_hint = ""


class UnknownConnector(ConnectorError):
    """No connector is registered under the requested type name."""

    code = "unknown_connector"
    default_hint = "Install the package that provides this connector, or pick another type."
