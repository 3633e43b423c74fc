"""SQLite connector: a database file inside a directory the instance allows, opened per execution."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
from pydantic import BaseModel, Field

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
from lowcraft.connectors.errors import ConnectionFailed, ConnectorError, FileNotAllowed, QueryFailed, Timeout
from lowcraft.connectors.sql_dialect import SqlDialect
from lowcraft.connectors.sql_query import SqlQuery
from lowcraft.connectors.sql_results import RowCollector

_FETCH_CHUNK = 500

SQLITE_DIALECT = SqlDialect(
    name="sqlite",
    placeholder="?",
    percent_escape=False,
    dollar_quotes=False,
    escape_strings=False,
    nested_comments=False,
    max_parameters=None,
    empty_in_list="",  # SQLite accepts `x IN ()`
)


class SqliteConfig(BaseModel):
    """A database file; it must lie inside one of the instance's allowed directories."""

    path: str = Field(description="Path of the database file")
    read_only: bool = False
    create: bool = Field(False, description="Create the file if it does not exist")


def allowed_path(path: str, policy: InstancePolicy) -> Path:
    """The resolved file path, or `FileNotAllowed` when it escapes every allowed directory."""
    resolved = Path(path).expanduser().resolve()
    for root in policy.file_roots:
        if resolved.is_relative_to(root.expanduser().resolve()):
            return resolved
    if not policy.file_roots:
        raise FileNotAllowed(
            "This instance allows no SQLite files.", "Set the allowed directories for SQLite files."
        )
    raise FileNotAllowed(f"{resolved} is outside the directories this instance allows for SQLite files.")


def _open(config: SqliteConfig, policy: InstancePolicy) -> sqlite3.Connection:
    path = allowed_path(config.path, policy)
    if not path.exists() and not config.create:
        raise ConnectionFailed(
            f"The database file {path} does not exist.", "Check the path, or enable 'create'."
        )
    mode = "ro" if config.read_only else ("rwc" if config.create else "rw")
    # isolation_level=None: each statement commits on its own, and a failed one leaves nothing.
    return sqlite3.connect(
        f"{path.as_uri()}?mode={mode}", uri=True, isolation_level=None, check_same_thread=False
    )


def _type_name(value: Any) -> str:
    return {int: "integer", float: "real", str: "text", bytes: "blob", type(None): "null"}.get(
        type(value), "text"
    )


class SqliteConnector(Connector[SqliteConfig, SqlQuery]):
    """Runs SQL on a local SQLite file in a worker thread, interrupted at the time limit."""

    type_name = "sqlite"
    display_name = "SQLite"
    connection_schema = SqliteConfig
    query_schema = SqlQuery
    sql_dialect = SQLITE_DIALECT
    samples = ConnectorSamples(
        connection={"path": "sample.db", "create": True},
        unreachable={"path": "missing/nowhere.db"},
        query={"sql": "select {{Input1.value}} + 1 as answer, '{{Input2.text}}' as echo"},
        params={"Input1.value": 41, "Input2.text": "'; DROP TABLE orders; --"},
    )

    @contextmanager
    def map_errors(self) -> Iterator[None]:
        try:
            yield
        except ConnectorError:
            raise
        except sqlite3.OperationalError as exc:
            message = str(exc)
            if message == "interrupted":
                raise Timeout("The query did not finish within its time limit and was interrupted.") from None
            if "unable to open" in message:
                raise ConnectionFailed(f"Could not open the database file: {message}.") from None
            raise QueryFailed(message) from None
        except sqlite3.Error as exc:
            raise QueryFailed(str(exc)) from None

    async def test(self, conn: Connection[SqliteConfig]) -> TestResult:
        def check() -> str:
            db = _open(conn.config, conn.policy)
            try:
                return str(db.execute("select sqlite_version()").fetchone()[0])
            finally:
                db.close()

        try:
            with self.map_errors():
                version = await anyio.to_thread.run_sync(check)
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        return TestResult(True, f"Opened the file with SQLite {version}.")

    async def structure(self, conn: Connection[SqliteConfig]) -> Structure:
        def read() -> Structure:
            db = _open(conn.config, conn.policy)
            try:
                tables = []
                listed = db.execute(
                    "select name, type from sqlite_master where type in ('table', 'view') "
                    "and name not like 'sqlite_%' order by name"
                ).fetchall()
                for name, kind in listed:
                    info = db.execute('select name, type, "notnull", pk from pragma_table_info(?)', [name])
                    columns = [
                        Column(c, t or "", not notnull, pk > 0) for c, t, notnull, pk in info.fetchall()
                    ]
                    tables.append(Table(name=name, columns=columns, kind=kind))
                return Structure(tables=tables)
            finally:
                db.close()

        with self.map_errors():
            return await anyio.to_thread.run_sync(read)

    async def execute(
        self, conn: Connection[SqliteConfig], query: SqlQuery, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        def run() -> ExecutionResult:
            db = _open(conn.config, conn.policy)
            deadline = time.monotonic() + limits.timeout_seconds
            # Called every 10k virtual machine steps; a non-zero answer interrupts the statement.
            db.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
            try:
                cur = db.execute(query.sql, params if params is not None else ())
                names = [d[0] for d in cur.description or ()]
                collector = RowCollector(names, limits.max_response_bytes)
                first: Sequence[Any] | None = None
                while rows := cur.fetchmany(_FETCH_CHUNK):
                    first = first or rows[0]
                    collector.add(rows)
                columns = [
                    {"name": n, "type": _type_name(first[i]) if first else ""} for i, n in enumerate(names)
                ]
                returns_rows = bool(names)
                affected = max(cur.rowcount, 0)
                return ExecutionResult(
                    body=collector.rows if returns_rows else {"affectedRows": affected},
                    request={"sql": query.sql, "params": None if params is None else list(params)},
                    row_count=len(collector.rows) if returns_rows else affected,
                    columns=columns,
                )
            finally:
                db.close()

        with self.map_errors():
            return await anyio.to_thread.run_sync(run)
