"""The connector registry: type name -> connector, built-ins plus the `lowcraft.connectors` entry points."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from lowcraft.connectors.base import Connector
from lowcraft.connectors.errors import UnknownConnector
from lowcraft.connectors.graphql import GraphqlConnector
from lowcraft.connectors.mysql import MysqlConnector
from lowcraft.connectors.postgres import PostgresConnector
from lowcraft.connectors.redis import RedisConnector
from lowcraft.connectors.rest import RestConnector
from lowcraft.connectors.s3 import S3Connector
from lowcraft.connectors.smtp import SmtpConnector
from lowcraft.connectors.sqlite import SqliteConnector

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "lowcraft.connectors"

BUILTIN_CONNECTORS: tuple[type[Connector[Any, Any]], ...] = (
    PostgresConnector,
    MysqlConnector,
    SqliteConnector,
    RestConnector,
    GraphqlConnector,
    RedisConnector,
    S3Connector,
    SmtpConnector,
)


class ConnectorRegistry:
    """Connector instances by type name; one instance per type serves every datasource."""

    def __init__(self) -> None:
        self._connectors: dict[str, Connector[Any, Any]] = {}

    def register(self, connector_class: type[Connector[Any, Any]]) -> None:
        """Add a connector class; a type name can be registered once."""
        name = getattr(connector_class, "type_name", None)
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"{connector_class.__name__} needs a type_name that is an identifier")
        if name in self._connectors:
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

    def get(self, type_name: str) -> Connector[Any, Any]:
        try:
            return self._connectors[type_name]
        except KeyError:
            raise UnknownConnector(f"There is no connector named {type_name!r}.") from None

    def names(self) -> list[str]:
        return sorted(self._connectors)

    def __contains__(self, type_name: object) -> bool:
        return type_name in self._connectors


def default_registry() -> ConnectorRegistry:
    """A registry with the built-in connectors and every installed plugin."""
    registry = ConnectorRegistry()
    for connector_class in BUILTIN_CONNECTORS:
        registry.register(connector_class)
    registry.load_entry_points()
    return registry


registry = default_registry()
"""The process-wide registry."""
