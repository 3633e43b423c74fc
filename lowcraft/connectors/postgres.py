"""PostgreSQL connector: psycopg 3, one bounded async pool per datasource configuration."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated, Any, Literal

import psycopg
import psycopg_pool
from psycopg import errors as pg_errors
from psycopg.types.json import Jsonb
from pydantic import BaseModel, Field

from lowcraft.connectors.base import (
    Column,
    Connection,
    Connector,
    ConnectorSamples,
    ExecutionResult,
    Limits,
    Structure,
    Table,
    TestResult,
)
from lowcraft.connectors.errors import (
    AuthFailed,
    ConnectionFailed,
    ConnectorError,
    QueryFailed,
    Timeout,
)
from lowcraft.connectors.schema import Secret
from lowcraft.connectors.sql_dialect import SqlDialect
from lowcraft.connectors.sql_query import SqlQuery, may_return_rows
from lowcraft.connectors.sql_results import RowCollector

_FETCH_CHUNK = 500
# Extra time granted to the client-side deadline so that the server's statement_timeout fires first
# and the database reports the cancellation itself.
_DEADLINE_GRACE_SECONDS = 2.0


class PostgresConfig(BaseModel):
    """Where the database is and how to log in."""

    host: str = "127.0.0.1"
    port: int = Field(default=5432, ge=1, le=65535)
    database: str = "postgres"
    user: str = "postgres"
    password: Annotated[str, Secret()] = ""
    sslmode: Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] = "prefer"
    pool_size: int = Field(default=5, ge=1, le=50, description="Connections this datasource may hold open")
    connect_timeout_seconds: int = Field(default=5, ge=1, le=60)


def _adapt(value: Any) -> Any:
    # Arrays of scalars become PostgreSQL arrays; objects, and arrays holding objects, jsonb.
    if isinstance(value, dict):
        return Jsonb(value)
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return Jsonb(value)
    return value


POSTGRES_DIALECT = SqlDialect(name="postgres", placeholder="%s", percent_escape=True, adapt=_adapt)

_STRUCTURE_SQL = """
select c.table_schema, c.table_name, t.table_type, c.column_name, c.data_type, c.is_nullable = 'YES',
       exists (
         select 1 from information_schema.table_constraints tc
         join information_schema.key_column_usage k
           on k.constraint_schema = tc.constraint_schema and k.constraint_name = tc.constraint_name
         where tc.constraint_type = 'PRIMARY KEY' and k.table_schema = c.table_schema
           and k.table_name = c.table_name and k.column_name = c.column_name)
from information_schema.columns c
join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
where c.table_schema not in ('pg_catalog', 'information_schema') and c.table_schema not like 'pg_toast%%'
order by c.table_schema, c.table_name, c.ordinal_position
"""


def _connect_kwargs(config: PostgresConfig, address: str) -> dict[str, Any]:
    # libpq connects to `hostaddr` without resolving `host`, and still uses `host` for TLS
    # verification: the socket goes to the address the network guard checked.
    return {
        "host": config.host,
        "hostaddr": address,
        "port": config.port,
        "dbname": config.database,
        "user": config.user,
        "password": config.password,
        "sslmode": config.sslmode,
        "connect_timeout": config.connect_timeout_seconds,
        "application_name": "lowcraft",
    }


def _readable(exc: psycopg.Error) -> str:
    diag = exc.diag
    if diag.message_primary:
        message = diag.message_primary
        if diag.message_detail:
            message += f" ({diag.message_detail})"
        return message
    # Connection errors carry libpq's text, with a "connection failed:" prefix and many lines.
    text = " ".join(str(exc).split())
    return text.removeprefix("connection failed: ") or type(exc).__name__


class PostgresConnector(Connector[PostgresConfig, SqlQuery]):
    """Runs SQL on PostgreSQL with server-side parameters and a statement timeout."""

    type_name = "postgres"
    display_name = "PostgreSQL"
    connection_schema = PostgresConfig
    query_schema = SqlQuery
    sql_dialect = POSTGRES_DIALECT
    samples = ConnectorSamples(
        connection={"host": "127.0.0.1", "port": 5432, "user": "postgres", "database": "postgres"},
        unreachable={"host": "127.0.0.1", "port": 9, "user": "postgres", "connect_timeout_seconds": 2},
        query={"sql": "select {{Input1.value}}::int + 1 as answer, '{{Input2.text}}' as echo"},
        params={"Input1.value": 41, "Input2.text": "'; DROP TABLE orders; --"},
        at=lambda host, port: {"host": host, "port": port, "user": "postgres", "connect_timeout_seconds": 2},
    )

    def __init__(self) -> None:
        # The statement_timeout each pooled connection was last set to, to skip repeating it.
        self._timeouts: weakref.WeakKeyDictionary[psycopg.AsyncConnection[Any], int] = (
            weakref.WeakKeyDictionary()
        )

    @contextmanager
    def map_errors(self) -> Iterator[None]:
        try:
            yield
        except ConnectorError:
            raise
        except TimeoutError:
            raise Timeout("The query did not finish within its time limit and was cancelled.") from None
        except pg_errors.QueryCanceled as exc:
            raise Timeout(f"The database cancelled the query: {_readable(exc)}.") from None
        except (pg_errors.InvalidPassword, pg_errors.InvalidAuthorizationSpecification) as exc:
            raise AuthFailed(f"PostgreSQL refused the login: {_readable(exc)}") from None
        except (pg_errors.AdminShutdown, pg_errors.CrashShutdown) as exc:
            raise ConnectionFailed(
                f"The database ended the connection mid-query: {_readable(exc)}",
                "The query was not completed and its changes were rolled back; run it again.",
            ) from None
        except psycopg_pool.PoolTimeout:
            raise Timeout(
                "Every connection of this datasource stayed busy until the time limit.",
                "Raise the datasource's pool size or make the other queries faster.",
            ) from None
        except psycopg.OperationalError as exc:
            message = _readable(exc)
            lowered = message.lower()
            if any(word in lowered for word in ("password", "authentication", "pg_hba", 'role "')):
                raise AuthFailed(f"PostgreSQL refused the login: {message}") from None
            if exc.diag.sqlstate is None or exc.sqlstate in ("08000", "08003", "08006"):
                raise ConnectionFailed(f"Could not use the PostgreSQL connection: {message}") from None
            raise QueryFailed(message, exc.diag.message_hint) from None
        except psycopg.DatabaseError as exc:
            raise QueryFailed(_readable(exc), exc.diag.message_hint) from None
        except psycopg.InterfaceError as exc:
            raise ConnectionFailed(f"The PostgreSQL connection is not usable: {exc}") from None

    @staticmethod
    async def _connect_once(conn: Connection[PostgresConfig]) -> psycopg.AsyncConnection[Any]:
        address = await conn.address(conn.config.host, conn.config.port)
        return await psycopg.AsyncConnection.connect(**_connect_kwargs(conn.config, address), autocommit=True)

    async def _probe(self, conn: Connection[PostgresConfig]) -> None:
        """Open and close one connection: raises what keeps the datasource from connecting, if anything."""
        once = await self._connect_once(conn)
        await once.close()

    async def _create_pool(
        self, conn: Connection[PostgresConfig], size: int
    ) -> psycopg_pool.AsyncConnectionPool[Any]:
        # The pool connects in the background and only reports "no connection in time"; one
        # connection first reports a refused port, a bad password or a forbidden address at once.
        await self._probe(conn)
        config = conn.config

        async def kwargs() -> dict[str, Any]:
            # Each new pooled connection is checked again: the name may resolve elsewhere by now.
            return {**_connect_kwargs(config, await conn.address(config.host, config.port)), "autocommit": True}

        pool: psycopg_pool.AsyncConnectionPool[Any] = psycopg_pool.AsyncConnectionPool(
            kwargs=kwargs,
            min_size=1,
            max_size=size,
            open=False,
            timeout=config.connect_timeout_seconds,
            reconnect_timeout=config.connect_timeout_seconds,
        )
        await pool.open(wait=False)
        return pool

    @staticmethod
    async def _close_pool(pool: psycopg_pool.AsyncConnectionPool[Any]) -> None:
        await pool.close(timeout=2)

    @asynccontextmanager
    async def _connection(
        self, conn: Connection[PostgresConfig], wait_seconds: float
    ) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        key = conn.pool_key
        if key is None:
            once = await self._connect_once(conn)
            try:
                yield once
            finally:
                await once.close()
            return
        async with conn.pools.lease(
            self.type_name, key, conn.config.pool_size, lambda size: self._create_pool(conn, size), self._close_pool
        ) as pool:
            # getconn/putconn rather than pool.connection(): that wraps the connection in its own
            # context, whose commit is a wasted lock round on autocommit connections. putconn still
            # rolls back and checks a connection left in a transaction or broken.
            try:
                pooled = await pool.getconn(timeout=wait_seconds)
            except psycopg_pool.PoolTimeout:
                # A pool that cannot reach its server times out like a busy one: a connection of
                # our own tells which it is, and reports the server's own error when unreachable.
                await self._probe(conn)
                raise
            try:
                yield pooled
            finally:
                await pool.putconn(pooled)

    async def _set_timeout(self, pgconn: psycopg.AsyncConnection[Any], ms: int) -> None:
        if self._timeouts.get(pgconn) != ms:
            await pgconn.execute("select set_config('statement_timeout', %s, false)", [str(ms)])
            self._timeouts[pgconn] = ms

    @staticmethod
    async def _stream_rows(
        cur: psycopg.AsyncCursor[Any], sql: str, params: Sequence[Any] | None, limits: Limits
    ) -> tuple[RowCollector, list[psycopg.Column]]:
        # Streaming in chunks keeps a huge result from being buffered whole before the cap is
        # checked; leaving the loop early makes psycopg cancel the rest of the query.
        collector: RowCollector | None = None
        description: list[psycopg.Column] = []
        batch: list[Sequence[Any]] = []
        async for row in cur.stream(sql, params, size=_FETCH_CHUNK):
            if collector is None:
                description = cur.description or []
                collector = RowCollector([d.name for d in description], limits.max_response_bytes)
            batch.append(row)
            if len(batch) >= _FETCH_CHUNK:
                collector.add(batch)
                batch = []
        if collector is None:
            description = cur.description or []
            collector = RowCollector([d.name for d in description], limits.max_response_bytes)
        collector.add(batch)
        return collector, description

    async def test(self, conn: Connection[PostgresConfig]) -> TestResult:
        try:
            with self.map_errors():
                once = await self._connect_once(conn)
                try:
                    cur = await once.execute("select current_setting('server_version')")
                    row = await cur.fetchone()
                finally:
                    await once.close()
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        version = row[0] if row else "?"
        return TestResult(True, f"Connected to PostgreSQL {version} as {conn.config.user}.")

    async def structure(self, conn: Connection[PostgresConfig]) -> Structure:
        with self.map_errors():
            async with self._connection(conn, 10) as pgconn:
                await self._set_timeout(pgconn, 10_000)
                cur = await pgconn.execute(_STRUCTURE_SQL)
                rows = await cur.fetchall()
        tables: dict[tuple[str, str], Table] = {}
        for schema, name, table_type, column, data_type, nullable, pk in rows:
            table = tables.get((schema, name))
            if table is None:
                kind = "view" if table_type == "VIEW" else "table"
                table = tables[(schema, name)] = Table(name=name, schema=schema, kind=kind, columns=[])
            table.columns.append(Column(column, data_type, bool(nullable), bool(pk)))
        return Structure(tables=list(tables.values()))

    async def execute(
        self, conn: Connection[PostgresConfig], query: SqlQuery, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        timeout_ms = max(1, int(limits.timeout_seconds * 1000))
        with self.map_errors():
            async with asyncio.timeout(limits.timeout_seconds + _DEADLINE_GRACE_SECONDS):
                async with self._connection(conn, limits.timeout_seconds) as pgconn:
                    await self._set_timeout(pgconn, timeout_ms)
                    async with pgconn.cursor() as cur:
                        streamed = may_return_rows(query.sql)
                        if streamed:
                            collector, description = await self._stream_rows(cur, query.sql, params, limits)
                        else:
                            await cur.execute(query.sql, params)
                            description = cur.description or []
                            # A statement without RETURNING: nothing but a row count comes back.
                            collector = RowCollector([d.name for d in description], limits.max_response_bytes)
                            if description:
                                collector.add(await cur.fetchall())
                        columns = [{"name": d.name, "type": _type_name(pgconn, d.type_code)} for d in description]
                        rowcount = cur.rowcount
        returns_rows = streamed or bool(columns)
        return ExecutionResult(
            body=collector.rows if returns_rows else {"affectedRows": max(rowcount, 0)},
            request={
                "sql": query.sql,
                "params": None if params is None else [getattr(p, "obj", p) for p in params],
            },
            row_count=len(collector.rows) if returns_rows else max(rowcount, 0),
            columns=columns,
        )


# Built-in types have the same OIDs in every database; user types (enums, domains) get OIDs from
# 16384 up and are looked up on the connection each time.
_FIRST_USER_OID = 16384
_builtin_type_names: dict[int, str] = {}


def _type_name(pgconn: psycopg.AsyncConnection[Any], oid: int) -> str:
    name = _builtin_type_names.get(oid)
    if name is not None:
        return name
    info = pgconn.adapters.types.get(oid)
    name = info.name if info is not None else str(oid)
    if oid < _FIRST_USER_OID and info is not None:
        _builtin_type_names[oid] = name
    return name
