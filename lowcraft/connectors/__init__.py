"""Connectors: how Lowcraft reaches the team's databases and APIs.

A connector is a class registered under a type name (`postgres`, `rest`, ...) that declares its
connection and query schemas and implements `test`, `structure` and `execute`. Third-party
connectors register through the `lowcraft.connectors` entry point group.
"""

from lowcraft.connectors.base import (
    Column,
    Connection,
    Connector,
    ConnectorSamples,
    ExecutionResult,
    InstancePolicy,
    Limits,
    Structure,
    Table,
    TestResult,
)
from lowcraft.connectors.errors import ConnectorError
from lowcraft.connectors.pools import PoolManager, default_pools
from lowcraft.connectors.registry import ConnectorRegistry, registry
from lowcraft.connectors.schema import Binds, Secret

__all__ = [
    "Binds",
    "Column",
    "Connection",
    "Connector",
    "ConnectorError",
    "ConnectorRegistry",
    "ConnectorSamples",
    "ExecutionResult",
    "InstancePolicy",
    "Limits",
    "PoolManager",
    "Secret",
    "Structure",
    "Table",
    "TestResult",
    "default_pools",
    "registry",
]
