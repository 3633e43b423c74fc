"""The connector contract: what every connector class declares and returns."""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel

# InstancePolicy lives beside the network guard that reads it; connectors import it from here.
from lowcraft.connectors.netguard import InstancePolicy as InstancePolicy  # noqa: PLC0414 - an explicit re-export
from lowcraft.connectors.netguard import resolve_allowed
from lowcraft.connectors.pools import PoolManager, default_pools
from lowcraft.connectors.sql_dialect import SqlDialect

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-execution limits that protect the instance."""

    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    @classmethod
    def from_settings(cls, *, timeout_ms: int | None = None, max_response_mb: float | None = None) -> Limits:
        """Limits from an action's `timeoutMs` and the instance's `LOWCRAFT_MAX_RESPONSE_MB`."""
        return cls(
            timeout_seconds=DEFAULT_TIMEOUT_SECONDS if timeout_ms is None else timeout_ms / 1000,
            max_response_bytes=(
                DEFAULT_MAX_RESPONSE_BYTES if max_response_mb is None else int(max_response_mb * 1024 * 1024)
            ),
        )


DEFAULT_POLICY = InstancePolicy()
"""Production defaults: no private networks, no loopback, no SQLite files."""


ConfigT = TypeVar("ConfigT", bound=BaseModel)
QueryT = TypeVar("QueryT", bound=BaseModel)


def fingerprint(config: BaseModel) -> str:
    """A stable digest of a connection config; a pool belongs to exactly one fingerprint."""
    canonical = json.dumps(config.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Connection(Generic[ConfigT]):
    """A validated connection config plus where it may pool and what it may reach.

    `datasource_id` is None for a config that is not saved yet (the editor's "Test" button);
    such connections are opened for one call and closed, never pooled.
    """

    config: ConfigT
    datasource_id: str | None = None
    policy: InstancePolicy = field(default_factory=InstancePolicy)
    pools: PoolManager = field(default_factory=lambda: default_pools)
    pool_key: tuple[str, str] | None = field(init=False, compare=False)
    """(datasource id, config and network policy fingerprint), or None when this connection must not pool."""

    def __post_init__(self) -> None:
        # Computed once: a compiled action reuses its Connection for every execution. The network
        # policy is part of the key: a pool's connections were checked against the policy it was
        # built under, so when an administrator withdraws private networks it is replaced.
        key = (
            None
            if self.datasource_id is None
            else (self.datasource_id, f"{fingerprint(self.config)}/{self.policy.network_key}")
        )
        object.__setattr__(self, "pool_key", key)

    async def address(self, host: str, port: int) -> str:
        """The checked IP address to open a socket to for `host`:`port`.

        Every connector that opens a socket gets its address here (or through `netguard`, which
        this calls) and connects to that IP itself, never to `host` again.
        """
        return await resolve_allowed(host, port, self.policy)


@dataclass(frozen=True, slots=True)
class TestResult:
    """Whether a datasource is usable; when not, a readable reason and the error code."""

    __test__ = False  # not a pytest test class despite the name

    ok: bool
    message: str
    code: str | None = None
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Column:
    """A column (or field) of a table, with its type as the server names it."""

    name: str
    type: str
    nullable: bool = True
    primary_key: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A table, view or collection; `schema` is the namespace where the server has one."""

    name: str
    columns: list[Column]
    schema: str | None = None
    kind: str = "table"

    @property
    def primary_key(self) -> list[str]:
        return [c.name for c in self.columns if c.primary_key]


@dataclass(frozen=True, slots=True)
class Structure:
    """What a datasource holds, for autocomplete and CRUD page generation."""

    tables: list[Table]

    def as_dict(self) -> dict[str, Any]:
        return {
            "tables": [
                {
                    "name": t.name,
                    "schema": t.schema,
                    "kind": t.kind,
                    "primaryKey": t.primary_key,
                    "columns": [
                        {"name": c.name, "type": c.type, "nullable": c.nullable, "primaryKey": c.primary_key}
                        for c in t.columns
                    ],
                }
                for t in self.tables
            ]
        }


@dataclass(slots=True)
class ExecutionResult:
    """What a connector returns from a successful execution (timing is added by the caller)."""

    body: Any
    request: dict[str, Any]
    status_code: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    row_count: int | None = None
    columns: list[dict[str, str]] = field(default_factory=list)


def url_host(host: str) -> str:
    """`host` as a URL writes it: IPv6 addresses in brackets (for samples' `at`)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


@dataclass(frozen=True, slots=True)
class ConnectorSamples:
    """Sample configs a connector supplies so that generic tests can exercise it.

    `connection` targets the service the test suite starts or finds on this machine (tests patch
    host/port/URL fields they start themselves); `unreachable` is the same connection pointed
    at a port where nothing listens; `query` with `params` is a read that succeeds on an empty
    target. `at(host, port)` is the `connection` sample pointed at another host and port (the
    network-guard tests point every connector at forbidden addresses with it); None declares that
    the connector opens no sockets.
    """

    connection: dict[str, Any]
    unreachable: dict[str, Any]
    query: dict[str, Any]
    params: dict[str, Any]
    at: Callable[[str, int], dict[str, Any]] | None = None


class Connector(ABC, Generic[ConfigT, QueryT]):
    """One kind of datasource. Subclasses declare schemas and implement the three async calls.

    `execute` receives the query config with bindings already rendered (see
    `lowcraft.actions.query_binding`) and, for SQL connectors, the positional parameter values in
    `params`. Driver exceptions must not escape: each method runs its driver calls inside
    `self.map_errors()`, which raises `ConnectorError` subclasses.
    """

    type_name: ClassVar[str]
    display_name: ClassVar[str]
    connection_schema: ClassVar[type[BaseModel]]
    query_schema: ClassVar[type[BaseModel]]
    sql_dialect: ClassVar[SqlDialect | None] = None
    samples: ClassVar[ConnectorSamples | None] = None
    file_path_field: ClassVar[str | None] = None
    """The connection-config field naming a file: set by connectors that open local files, which
    must then keep to `policy.file_roots` (see `lowcraft.connectors.files`)."""

    @abstractmethod
    def map_errors(self) -> AbstractContextManager[None]:
        """Translate this connector's driver exceptions into `ConnectorError`s."""

    @abstractmethod
    async def test(self, conn: Connection[ConfigT]) -> TestResult:
        """Open a connection (and authenticate) to tell whether the datasource is usable."""

    async def structure(self, conn: Connection[ConfigT]) -> Structure:
        """Tables and columns; connectors without a schema return an empty structure."""
        return Structure(tables=[])

    @abstractmethod
    async def execute(
        self, conn: Connection[ConfigT], query: QueryT, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        """Run one bound query within `limits`."""
