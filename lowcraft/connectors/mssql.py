"""Microsoft SQL Server (and Azure SQL): pymssql (FreeTDS, bundled in its wheel) in a thread.

Bindings become `@p1, @p2, ...` parameters of `sp_executesql`: the statement text the server
compiles holds only the names, and each value arrives as a typed argument declared from its JSON
type (`bit`, `bigint`, `float`, `decimal`, `nvarchar`), so the server caches one plan per query
shape and a value never becomes SQL. `IN {{array}}` expands to one parameter per element; `TOP
({{n}})` and `OFFSET {{o}} ROWS FETCH NEXT {{n}} ROWS ONLY` take whole numbers.

The socket goes to the address the network guard checked (pymssql is handed the IP). Encryption
is FreeTDS's: `require` encrypts the connection (TLS), but FreeTDS as pymssql ships it does not
check the server's certificate, so it protects against eavesdropping, not an active
man-in-the-middle; keep such servers on a network you trust. A connection is opened per execution.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

import anyio
import pymssql
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
    InvalidParameter,
    QueryFailed,
    Timeout,
)
from lowcraft.connectors.schema import Secret
from lowcraft.connectors.sql_dialect import SqlDialect, json_containers
from lowcraft.connectors.sql_query import SqlQuery
from lowcraft.connectors.sql_results import RowCollector

T = TypeVar("T")

_FETCH_CHUNK = 500
_BIGINT = 2**63
_SHORT_TEXT = 4000  # nvarchar(n) goes up to 4000; longer text is nvarchar(max)

# Login failed, cannot open the database named at login, password expired or must change.
_AUTH_ERRORS = frozenset({18456, 18452, 18486, 18487, 18488, 4060})
# FreeTDS's own: cannot connect, read or write failed, connection dead.
_CONNECTION_ERRORS = frozenset({20009, 20002, 20004, 20006, 20017, 20047, 20019})
# Query timeout (FreeTDS), lock request timeout.
_TIMEOUT_ERRORS = frozenset({20003, 1222, -2})


class MssqlConfig(BaseModel):
    """Where the server is and how to log in (SQL Server authentication)."""

    host: str = "127.0.0.1"
    port: int = Field(default=1433, ge=1, le=65535)
    database: str = Field(default="master", max_length=128)
    user: str = Field(default="sa", max_length=128)
    password: Annotated[str, Secret()] = ""
    encryption: Literal["require", "request", "off"] = Field(
        default="require", description="require: TLS always; request: when the server offers it"
    )
    connect_timeout_seconds: int = Field(default=5, ge=1, le=60)


def adapt(value: Any) -> Any:
    """A binding value as the parameter it becomes: objects and arrays as JSON text, whole floats as ints.

    JavaScript has one number type, so a row count computed in the browser may arrive as 10.0;
    `TOP`, `OFFSET` and `FETCH` take only whole numbers.
    """
    if isinstance(value, float) and value.is_integer() and abs(value) < _BIGINT:
        return int(value)
    return json_containers(value)


MSSQL_DIALECT = SqlDialect(
    name="mssql",
    placeholder="%s",
    percent_escape=True,
    adapt=adapt,
    dollar_quotes=False,
    escape_strings=False,
    nested_comments=True,
    max_parameters=2100,  # SQL Server's limit on one request's parameters
    # `IN ()` is a syntax error; a subquery without rows is the empty set of any type.
    empty_in_list="select null where 1 = 0",
)


def declaration(value: Any) -> str:
    """The SQL Server type a parameter is declared with, from its (adapted) value."""
    if value is None:
        return "nvarchar(1)"
    if isinstance(value, bool):
        return "bit"
    if isinstance(value, int):
        if not -_BIGINT <= value < _BIGINT:
            raise InvalidParameter(
                f"{value} is beyond SQL Server's 64-bit integers.", "Send the value as text, or a smaller number."
            )
        return "bigint"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidParameter(f"{value!r} is not a number SQL Server can hold.")
        return "float"
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        scale = min(max(-exponent, 0), 38) if isinstance(exponent, int) else 0
        return f"decimal(38, {scale})"
    if isinstance(value, (bytes, bytearray)):
        return "varbinary(max)"
    text = str(value)
    if "\x00" in text:
        raise InvalidParameter("A value contains a NUL character, which SQL Server text cannot hold.")
    return f"nvarchar({len(text)})" if 0 < len(text) <= _SHORT_TEXT else "nvarchar(max)"


def compile_call(sql: str, params: Sequence[Any] | None) -> tuple[str, tuple[Any, ...] | None]:
    """The `sp_executesql` call that runs `sql` (`%s` placeholders, `%%` for `%`) with `params`.

    Returns the call's text with `%s` where pymssql puts the quoted statement, declarations and
    values, and those arguments; `(sql, None)` when SQL was inlined (prepared statements off).
    """
    if params is None:
        return sql, None
    names = [f"@p{i + 1}" for i in range(len(params))]
    statement = sql % tuple(names)
    if not params:
        return "EXEC sp_executesql %s", (statement,)
    declarations = ", ".join(f"{name} {declaration(value)}" for name, value in zip(names, params, strict=True))
    assignments = ", ".join(f"{name} = %s" for name in names)
    return f"EXEC sp_executesql %s, %s, {assignments}", (statement, declarations, *params)


def _readable(exc: BaseException) -> tuple[int | None, str]:
    """The error number and the server's own words, without FreeTDS's trailer."""
    args = exc.args
    if args and isinstance(args[0], tuple) and len(args[0]) == 2:
        number, raw = args[0]
        text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
    else:
        number, text = None, " ".join(str(a) for a in args)
    # FreeTDS appends "DB-Lib error message N, severity N:" headers and a generic line, often twice.
    text = _DBLIB_HEADER.sub("\n", text)
    lines: list[str] = []
    for line in (part.strip() for part in text.splitlines()):
        if line and not line.startswith("General SQL Server error") and line not in lines:
            lines.append(line)
    return (int(number) if isinstance(number, int) else None), (" ".join(lines[:2]) or type(exc).__name__)


_DBLIB_HEADER = re.compile(r"DB-Lib error message \d+, severity \d+:")


def _structure_sql() -> str:
    return """
select c.TABLE_SCHEMA, c.TABLE_NAME, t.TABLE_TYPE, c.COLUMN_NAME, c.DATA_TYPE,
       case when c.IS_NULLABLE = 'YES' then 1 else 0 end,
       case when exists (
         select 1 from INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc
         join INFORMATION_SCHEMA.KEY_COLUMN_USAGE k
           on k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA and k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
         where tc.CONSTRAINT_TYPE = 'PRIMARY KEY' and k.TABLE_SCHEMA = c.TABLE_SCHEMA
           and k.TABLE_NAME = c.TABLE_NAME and k.COLUMN_NAME = c.COLUMN_NAME) then 1 else 0 end
from INFORMATION_SCHEMA.COLUMNS c
join INFORMATION_SCHEMA.TABLES t on t.TABLE_SCHEMA = c.TABLE_SCHEMA and t.TABLE_NAME = c.TABLE_NAME
where c.TABLE_SCHEMA not in ('sys', 'INFORMATION_SCHEMA')
order by c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION
"""


class MssqlConnector(Connector[MssqlConfig, SqlQuery]):
    """Runs T-SQL on SQL Server through `sp_executesql` with typed parameters and a query timeout."""

    type_name = "mssql"
    display_name = "Microsoft SQL Server"
    connection_schema = MssqlConfig
    query_schema = SqlQuery
    sql_dialect = MSSQL_DIALECT
    samples = ConnectorSamples(
        connection={"host": "127.0.0.1", "port": 1433, "user": "sa", "database": "master"},
        unreachable={"host": "127.0.0.1", "port": 9, "user": "sa", "connect_timeout_seconds": 2},
        query={"sql": "select cast({{Input1.value}} as int) + 1 as answer, '{{Input2.text}}' as echo"},
        params={"Input1.value": 41, "Input2.text": "'; DROP TABLE orders; --"},
        at=lambda host, port: {"host": host, "port": port, "user": "sa", "connect_timeout_seconds": 2},
    )

    @contextmanager
    def map_errors(self) -> Iterator[None]:
        try:
            yield
        except ConnectorError:
            raise
        except TimeoutError:
            raise Timeout("The query did not finish within its time limit and was cancelled.") from None
        except pymssql.InterfaceError as exc:
            raise ConnectionFailed(f"The SQL Server connection is not usable: {_readable(exc)[1]}") from None
        except pymssql.Error as exc:
            number, message = _readable(exc)
            if number in _AUTH_ERRORS:
                raise AuthFailed(f"SQL Server refused the login: {message}") from None
            if number in _TIMEOUT_ERRORS:
                raise Timeout(f"SQL Server stopped waiting: {message}") from None
            if number in _CONNECTION_ERRORS:
                raise ConnectionFailed(f"Could not reach SQL Server: {message}") from None
            raise QueryFailed(message) from None

    async def _session(
        self, conn: Connection[MssqlConfig], query_timeout: int, work: Callable[[Any], T], deadline: float
    ) -> T:
        """Connect to the checked address, run `work(connection)` and close, all in one thread.

        The thread owns its connection from start to end: when the deadline passes it is left to
        finish (pymssql's own query timeout, set below the deadline, ends it) and close its
        connection itself, never closed from another thread while FreeTDS is using it.
        """
        config = conn.config
        address = await conn.address(config.host, config.port)

        def session() -> T:
            db = pymssql.connect(
                server=address,
                port=str(config.port),
                user=config.user,
                password=config.password,
                database=config.database,
                login_timeout=config.connect_timeout_seconds,
                timeout=query_timeout,
                encryption=config.encryption,
                appname="lowcraft",
                autocommit=True,
            )
            try:
                return work(db)
            finally:
                db.close()

        with anyio.fail_after(deadline):
            return await anyio.to_thread.run_sync(session, abandon_on_cancel=True)

    async def test(self, conn: Connection[MssqlConfig]) -> TestResult:
        def version(db: Any) -> str:
            with db.cursor() as cur:
                cur.execute("select cast(serverproperty('ProductVersion') as nvarchar(64))")
                row = cur.fetchone()
            return str(row[0]) if row else "?"

        try:
            with self.map_errors():
                found = await self._session(conn, 15, version, 15 + conn.config.connect_timeout_seconds)
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        return TestResult(True, f"Connected to SQL Server {found} as {conn.config.user}.")

    async def structure(self, conn: Connection[MssqlConfig]) -> Structure:
        def rows(db: Any) -> list[Any]:
            with db.cursor() as cur:
                cur.execute(_structure_sql())
                return list(cur.fetchall())

        with self.map_errors():
            found = await self._session(conn, 30, rows, 30 + conn.config.connect_timeout_seconds)
        tables: dict[tuple[str, str], Table] = {}
        for schema, name, table_type, column, data_type, nullable, pk in found:
            table = tables.get((schema, name))
            if table is None:
                kind = "view" if table_type == "VIEW" else "table"
                table = tables[(schema, name)] = Table(name=name, schema=schema, kind=kind, columns=[])
            table.columns.append(Column(column, data_type, bool(nullable), bool(pk)))
        return Structure(tables=list(tables.values()))

    async def execute(
        self, conn: Connection[MssqlConfig], query: SqlQuery, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        call, arguments = compile_call(query.sql, params)

        def run(db: Any) -> tuple[RowCollector | None, list[dict[str, str]], int]:
            with db.cursor() as cur:
                cur.execute(call, arguments)
                # The first result set with columns; a statement without one reports its row count.
                while cur.description is None and cur.nextset():
                    pass
                if cur.description is None:
                    return None, [], cur.rowcount
                description = cur.description
                collector = RowCollector([d[0] for d in description], limits.max_response_bytes)
                while batch := cur.fetchmany(_FETCH_CHUNK):
                    collector.add(batch)
                return collector, [{"name": d[0], "type": _TYPE_NAMES.get(d[1], str(d[1]))} for d in description], -1

        timeout = max(1, math.ceil(limits.timeout_seconds))
        with self.map_errors():
            # The server's query timeout fires first; the deadline also covers connecting.
            collector, columns, rowcount = await self._session(
                conn, timeout, run, timeout + conn.config.connect_timeout_seconds + 2
            )
        shown = query.sql if params is None else query.sql % tuple(f"@p{i + 1}" for i in range(len(params)))
        request = {"sql": shown, "params": None if params is None else list(params)}
        if collector is None:
            return ExecutionResult(
                body={"affectedRows": max(rowcount, 0)}, request=request, row_count=max(rowcount, 0)
            )
        return ExecutionResult(body=collector.rows, request=request, row_count=len(collector.rows), columns=columns)


# pymssql's type codes in cursor.description (its DB-API type objects STRING ... DECIMAL).
_TYPE_NAMES = {1: "string", 2: "binary", 3: "number", 4: "datetime", 5: "decimal"}
