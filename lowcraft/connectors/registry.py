"""The connector registry: type name -> connector, built-ins plus the `lowcraft.connectors` entry points."""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from lowcraft.connectors.base import Connector
from lowcraft.connectors.errors import UnknownConnector

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "lowcraft.connectors"

# Imported on first use: each connector pulls in its driver (boto3 alone costs ~30 MB of memory
# and a third of a second), and an instance typically uses two or three of them.
BUILTIN_CONNECTORS: dict[str, str] = {
    "postgres": "lowcraft.connectors.postgres:PostgresConnector",
    "mysql": "lowcraft.connectors.mysql:MysqlConnector",
    "sqlite": "lowcraft.connectors.sqlite:SqliteConnector",
    "rest": "lowcraft.connectors.rest:RestConnector",
    "graphql": "lowcraft.connectors.graphql:GraphqlConnector",
    "redis": "lowcraft.connectors.redis:RedisConnector",
    "s3": "lowcraft.connectors.s3:S3Connector",
    "smtp": "lowcraft.connectors.smtp:SmtpConnector",
    "dynamodb": "lowcraft.connectors.dynamodb:DynamodbConnector",
    "mssql": "lowcraft.connectors.mssql:MssqlConnector",
    "redshift": "lowcraft.connectors.redshift:RedshiftConnector",
    "rabbitmq": "lowcraft.connectors.rabbitmq:RabbitmqConnector",
    "nats": "lowcraft.connectors.nats_messaging:NatsConnector",
    "llm": "lowcraft.connectors.llm:LlmConnector",
    "mongodb": "lowcraft.connectors.mongodb:MongodbConnector",
    "sheets": "lowcraft.connectors.sheets:SheetsConnector",
    "firestore": "lowcraft.connectors.firestore:FirestoreConnector",
}


PLACEHOLDER_CONNECTOR = "placeholder"
"""The connector of a datasource (and its queries) whose kind Lowcraft cannot run yet: an imported
Appsmith datasource of a plugin Lowcraft lacks. Never registered, so nothing on it runs; a developer
picks a real connector for the datasource (`datasources.service.update_datasource`)."""


def load_class(target: str) -> type[Connector[Any, Any]]:
    """The connector class at `module:Class`."""
    module_name, _, attribute = target.partition(":")
    connector_class = getattr(importlib.import_module(module_name), attribute)
    if not (isinstance(connector_class, type) and issubclass(connector_class, Connector)):
        raise TypeError(f"{target} is not a Connector subclass")
    return connector_class


class ConnectorRegistry:
    """Connector instances by type name; one instance per type serves every datasource.

    Safe to use from many threads at once: right after a start, the first executions of a
    connector arrive together on the server's worker threads, and each must find the connector
    whichever of them imports it.
    """

    def __init__(self) -> None:
        self._connectors: dict[str, Connector[Any, Any]] = {}
        self._deferred: dict[str, str] = {}
        # Held while a deferred connector is imported, so a second caller waits for the import
        # instead of finding the name in neither dict.
        self._lock = threading.Lock()
        self._plugins_pending = False
        self._plugins_lock = threading.Lock()

    def defer(self, type_name: str, target: str) -> None:
        """Register the connector class at `module:Class` under `type_name`, imported when first used."""
        with self._lock:
            if self._has(type_name) or type_name == PLACEHOLDER_CONNECTOR:
                raise ValueError(f"a connector named {type_name!r} is already registered")
            self._deferred[type_name] = target

    def register(self, connector_class: type[Connector[Any, Any]]) -> None:
        """Add a connector class; a type name can be registered once."""
        name = getattr(connector_class, "type_name", None)
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"{connector_class.__name__} needs a type_name that is an identifier")
        with self._lock:
            if self._has(name) or name == PLACEHOLDER_CONNECTOR:
                raise ValueError(f"a connector named {name!r} is already registered")
            self._connectors[name] = connector_class()

    def load_entry_points(self, points: Iterable[EntryPoint] | None = None) -> list[str]:
        """Register third-party connectors; a broken plugin is logged and skipped, not fatal."""
        loaded = []
        for point in entry_points(group=ENTRY_POINT_GROUP) if points is None else points:
            try:
                connector_class = point.load()
                if not (isinstance(connector_class, type) and issubclass(connector_class, Connector)):
                    raise TypeError(f"{point.value} is not a Connector subclass")
                self.register(connector_class)
                loaded.append(connector_class.type_name)
            except Exception:
                log.exception("could not load the connector plugin %s", point.name)
        return loaded

    def load_entry_points_on_first_use(self) -> None:
        """Register the installed plugins when the registry is first read rather than now: scanning
        every installed package's entry points cost each server start about 8 ms (bench/startup.py)."""
        self._plugins_pending = True

    def _load_pending_plugins(self) -> None:
        if not self._plugins_pending:
            return
        with self._plugins_lock:  # a second reader waits until the plugins are in
            if self._plugins_pending:
                self.load_entry_points()
                self._plugins_pending = False

    def get(self, type_name: str) -> Connector[Any, Any]:
        self._load_pending_plugins()
        connector = self._connectors.get(type_name)
        if connector is not None:
            return connector
        with self._lock:
            connector = self._connectors.get(type_name)  # imported while this caller waited
            if connector is not None:
                return connector
            target = self._deferred.get(type_name)
            if target is None:
                raise UnknownConnector(f"There is no connector named {type_name!r}.")
            connector_class = load_class(target)
            if connector_class.type_name != type_name:
                raise TypeError(f"{target} declares type_name {connector_class.type_name!r}, not {type_name!r}")
            connector = self._connectors[type_name] = connector_class()
            # Only now: until the instance is in place, the deferred entry is what names it.
            del self._deferred[type_name]
            return connector

    def names(self) -> list[str]:
        self._load_pending_plugins()
        return sorted({*self._connectors, *self._deferred})

    def __contains__(self, type_name: object) -> bool:
        self._load_pending_plugins()
        return self._has(type_name)

    def _has(self, type_name: object) -> bool:
        return type_name in self._connectors or type_name in self._deferred


def default_registry() -> ConnectorRegistry:
    """A registry with the built-in connectors and every installed plugin."""
    registry = ConnectorRegistry()
    for type_name, target in BUILTIN_CONNECTORS.items():
        registry.defer(type_name, target)
    registry.load_entry_points_on_first_use()
    return registry


registry = default_registry()
"""The process-wide registry."""
