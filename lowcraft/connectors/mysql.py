"""MySQL / MariaDB connector: aiomysql, one bounded pool per datasource configuration.

The driver escapes each parameter value itself (PyMySQL interpolates client-side), so values never
become SQL whatever they contain. The time limit is set on the server (`max_statement_time` on
MariaDB, `max_execution_time` on MySQL) and backed by a client deadline that issues `KILL QUERY`.
"""

from __future__ import annotations

import asyncio
import ssl
import weakref
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated, Any

import aiomysql
import anyio
import pymysql
from pydantic import BaseModel, Field
from pymysql.constants import FIELD_TYPE

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
    BadParameters,
    ConnectionFailed,
    ConnectorError,
    QueryFailed,
    Timeout,
)
from lowcraft.connectors.schema import Secret
from lowcraft.connectors.sql_dialect import SqlDialect, numbers_as_text
from lowcraft.connectors.sql_query import SqlQuery, may_return_rows
from lowcraft.connectors.sql_results import RowCollector

_FETCH_CHUNK = 500
_DEADLINE_GRACE_SECONDS = 2.0
_TYPE_NAMES = {v: k.lower() for k, v in vars(FIELD_TYPE).items() if isinstance(v, int)}
_AUTH_ERRORS = {1044, 1045, 1698, 1251}
_CONNECTION_ERRORS = {2002, 2003, 2005, 2006, 2013, 2055, 1049, 1927, 1053}
_TIMEOUT_ERRORS = {1969, 3024, 1317, 1028}


class MysqlConfig(BaseModel):
    """Where the database is and how to log in."""

    host: str = "127.0.0.1"
    port: int = Field(default=3306, ge=1, le=65535)
    database: str = ""
    user: str = "root"
    password: Annotated[str, Secret()] = ""
    ssl: bool = False
    pool_size: int = Field(default=5, ge=1, le=50, description="Connections this datasource may hold open")
    connect_timeout_seconds: int = Field(default=5, ge=1, le=60)


MYSQL_DIALECT = SqlDialect(
    name="mysql",
    placeholder="%s",
    percent_escape=True,
    backslash_escapes=True,
    identifier_quotes="`",
    string_quotes="'\"",
    # MySQL has no array type: objects and arrays travel as JSON text (JSON_CONTAINS, JSON_TABLE read
    # them). Numbers and booleans travel as text too: MySQL compares a text column with a number as
    # numbers, so `name = 0` would match every name that does not start with a digit.
    adapt=numbers_as_text,
    numbers_as_text=True,
    dollar_quotes=False,
    escape_strings=False,
    nested_comments=False,
    max_parameters=None,
    # `IN ()` is a syntax error; a subquery without rows is the empty set of any type.
    empty_in_list="select null from dual where false",
)

_STRUCTURE_SQL = """
select c.TABLE_NAME, t.TABLE_TYPE, c.COLUMN_NAME, c.COLUMN_TYPE, c.IS_NULLABLE = 'YES', c.COLUMN_KEY = 'PRI'
from information_schema.COLUMNS c
join information_schema.TABLES t on t.TABLE_SCHEMA = c.TABLE_SCHEMA and t.TABLE_NAME = c.TABLE_NAME
where c.TABLE_SCHEMA = DATABASE()
order by c.TABLE_NAME, c.ORDINAL_POSITION
"""


class _NamedTLSContext(ssl.SSLContext):
    """Verifies the certificate against the datasource's host name while the socket goes to the
    address the network guard checked (aiomysql would verify against the address it connects to)."""

    server_name = ""

    def wrap_bio(
        self,
        incoming: ssl.MemoryBIO,
        outgoing: ssl.MemoryBIO,
        server_side: bool = False,
        server_hostname: str | bytes | None = None,
        session: ssl.SSLSession | None = None,
    ) -> ssl.SSLObject:
        return super().wrap_bio(incoming, outgoing, server_side, self.server_name or server_hostname, session)


def _tls_context(host: str) -> ssl.SSLContext:
    context = _NamedTLSContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies the chain and the name
    context.load_default_certs()
    context.server_name = host
    return context


def _connect_kwargs(config: MysqlConfig, address: str) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "host": address,
        "port": config.port,
        "user": config.user,
        "password": config.password,
        "db": config.database or None,
        "connect_timeout": config.connect_timeout_seconds,
        "charset": "utf8mb4",
        "autocommit": True,
    }
    if config.ssl:
        kwargs["ssl"] = _tls_context(config.host)
    return kwargs


class MysqlConnector(Connector[MysqlConfig, SqlQuery]):
    """Runs SQL on MySQL or MariaDB with escaped parameters and a server-side time limit."""

    type_name = "mysql"
    display_name = "MySQL / MariaDB"
    connection_schema = MysqlConfig
    query_schema = SqlQuery
    sql_dialect = MYSQL_DIALECT
    samples = ConnectorSamples(
        connection={"host": "127.0.0.1", "port": 3306, "user": "root"},
        unreachable={"host": "127.0.0.1", "port": 9, "user": "root", "connect_timeout_seconds": 2},
        query={"sql": "select {{Input1.value}} + 1 as answer, '{{Input2.text}}' as echo"},
        params={"Input1.value": 41, "Input2.text": "'; DROP TABLE orders; --"},
        at=lambda host, port: {"host": host, "port": port, "user": "root", "connect_timeout_seconds": 2},
    )

    def __init__(self) -> None:
        self._timeouts: weakref.WeakKeyDictionary[aiomysql.Connection, float] = weakref.WeakKeyDictionary()

    @contextmanager
    def map_errors(self) -> Iterator[None]:
        try:
            yield
        except ConnectorError:
            raise
        except pymysql.err.MySQLError as exc:
            code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
            message = str(exc.args[1]) if len(exc.args) > 1 else str(exc)
            if code in _AUTH_ERRORS:
                raise AuthFailed(f"The server refused the login: {message}") from None
            if code in _TIMEOUT_ERRORS:
                raise Timeout(f"The database stopped the query: {message}") from None
            if code in _CONNECTION_ERRORS or isinstance(exc, pymysql.err.InterfaceError):
                raise ConnectionFailed(f"Could not use the MySQL connection: {message}") from None
            raise QueryFailed(message) from None
        except TypeError as exc:
            raise BadParameters(f"A value cannot be sent to MySQL: {exc}") from None
        except (OSError, asyncio.IncompleteReadError) as exc:
            raise ConnectionFailed(f"The MySQL connection broke: {exc or type(exc).__name__}") from None

    @staticmethod
    async def _close_pool(pool: aiomysql.Pool) -> None:
        pool.close()
        await pool.wait_closed()

    @asynccontextmanager
    async def _connection(
        self, conn: Connection[MysqlConfig], wait_seconds: float
    ) -> AsyncIterator[aiomysql.Connection]:
        key = conn.pool_key
        if key is None:
            once = await self._connect_once(conn)
            try:
                yield once
            finally:
                once.close()
            return
        config = conn.config

        async def create(size: int) -> aiomysql.Pool:
            # aiomysql's pool reconnects with the arguments it was made with: its connections all go
            # to the address checked here, until the pool is rebuilt (config or policy change, restart).
            address = await conn.address(config.host, config.port)
            return await aiomysql.create_pool(minsize=1, maxsize=size, **_connect_kwargs(config, address))

        async with conn.pools.lease(self.type_name, key, config.pool_size, create, self._close_pool) as pool:
            try:
                with anyio.fail_after(wait_seconds):
                    pooled = await pool.acquire()
            except TimeoutError:
                raise Timeout(
                    "Every connection of this datasource stayed busy until the time limit.",
                    "Raise the datasource's pool size or make the other queries faster.",
                ) from None
            try:
                yield pooled
            except BaseException:
                # After an error mid-result the connection's state is unknown: never hand it out again.
                pooled.close()
                raise
            finally:
                pool.release(pooled)

    @staticmethod
    async def _connect_once(conn: Connection[MysqlConfig]) -> aiomysql.Connection:
        address = await conn.address(conn.config.host, conn.config.port)
        return await aiomysql.connect(**_connect_kwargs(conn.config, address))

    async def _set_timeout(self, myconn: aiomysql.Connection, seconds: float) -> None:
        if self._timeouts.get(myconn) == seconds:
            return
        async with myconn.cursor() as cur:
            if "mariadb" in myconn.get_server_info().lower():
                await cur.execute("SET SESSION max_statement_time = %s", [seconds])
            else:
                await cur.execute("SET SESSION max_execution_time = %s", [int(seconds * 1000)])
        self._timeouts[myconn] = seconds

    async def test(self, conn: Connection[MysqlConfig]) -> TestResult:
        try:
            with self.map_errors():
                once = await self._connect_once(conn)
                version = once.get_server_info()
                once.close()
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        return TestResult(True, f"Connected to {version} as {conn.config.user}.")

    async def structure(self, conn: Connection[MysqlConfig]) -> Structure:
        with self.map_errors():
            async with self._connection(conn, 10) as myconn, myconn.cursor() as cur:
                await cur.execute(_STRUCTURE_SQL)
                rows = await cur.fetchall()
        tables: dict[str, Table] = {}
        for name, table_type, column, column_type, nullable, pk in rows:
            table = tables.get(name)
            if table is None:
                kind = "view" if table_type == "VIEW" else "table"
                table = tables[name] = Table(name=name, schema=None, kind=kind, columns=[])
            table.columns.append(Column(column, column_type, bool(nullable), bool(pk)))
        return Structure(tables=list(tables.values()))

    async def execute(
        self, conn: Connection[MysqlConfig], query: SqlQuery, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        args = None if params is None else tuple(params)
        with self.map_errors():
            async with self._connection(conn, limits.timeout_seconds) as myconn:
                await self._set_timeout(myconn, limits.timeout_seconds)
                try:
                    with anyio.fail_after(limits.timeout_seconds + _DEADLINE_GRACE_SECONDS):
                        collector, columns, affected = await self._run(myconn, query.sql, args, limits)
                except TimeoutError:
                    await self._kill_query(conn, myconn.thread_id())
                    raise Timeout(
                        f"The query did not finish within {limits.timeout_seconds:g} s and was stopped."
                    ) from None
        streamed = may_return_rows(query.sql) or bool(columns)
        return ExecutionResult(
            body=collector.rows if streamed else {"affectedRows": affected},
            request={"sql": query.sql, "params": None if params is None else list(params)},
            row_count=len(collector.rows) if streamed else affected,
            columns=columns,
        )

    @staticmethod
    async def _run(
        myconn: aiomysql.Connection, sql: str, args: tuple[Any, ...] | None, limits: Limits
    ) -> tuple[RowCollector, list[dict[str, str]], int]:
        # An unbuffered cursor reads rows as they arrive, so the cap is checked before a huge
        # result is held in memory.
        async with myconn.cursor(aiomysql.SSCursor) as cur:
            await cur.execute(sql, args)
            description = cur.description or ()
            columns = [{"name": d[0], "type": _TYPE_NAMES.get(d[1], str(d[1]))} for d in description]
            collector = RowCollector([c["name"] for c in columns], limits.max_response_bytes)
            if description:
                while rows := await cur.fetchmany(_FETCH_CHUNK):
                    collector.add(rows)
            affected = max(cur.rowcount, 0) if not description else len(collector.rows)
        return collector, columns, affected

    @classmethod
    async def _kill_query(cls, conn: Connection[MysqlConfig], thread_id: int) -> None:
        try:
            killer = await cls._connect_once(conn)
            try:
                async with killer.cursor() as cur:
                    await cur.execute("KILL QUERY %s", [thread_id])
            finally:
                killer.close()
        except (pymysql.err.MySQLError, ConnectorError, OSError):
            pass  # the query may have ended meanwhile; the connection is discarded either way
