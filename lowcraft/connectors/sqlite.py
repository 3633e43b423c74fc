"""SQLite connector: a database file in its workspace's folder, opened per execution.

SQL can name files too: `ATTACH`, `VACUUM INTO`, `load_extension` and some pragmas open or write
any path the server may. An authorizer refuses them on every connection, so a datasource
reaches its own file and nothing else (see `lowcraft.connectors.files` for the path itself).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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
from lowcraft.connectors.errors import (
    ConnectionFailed,
    ConnectorError,
    FileNotAllowed,
    InvalidParameter,
    QueryFailed,
    Timeout,
)
from lowcraft.connectors.files import file_in_folder
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
    """A database file in the workspace's folder (a relative path is read from there)."""

    path: str = Field(description="Path of the database file, relative to the workspace's folder")
    read_only: bool = False
    create: bool = Field(False, description="Create the file if it does not exist")


# Pragmas a query may run: schema introspection and settings of the database itself. The others
# name files or directories (temp_store_directory), show the server's paths (database_list),
# or loosen SQLite's own protections (writable_schema, trusted_schema, mmap_size).
SAFE_PRAGMAS = frozenset({
    "application_id", "auto_vacuum", "cache_size", "case_sensitive_like", "collation_list",
    "compile_options", "data_version", "defer_foreign_keys", "encoding", "foreign_key_check",
    "foreign_key_list", "foreign_keys", "freelist_count", "function_list", "incremental_vacuum",
    "index_info", "index_list", "index_xinfo", "integrity_check", "journal_mode", "module_list",
    "optimize", "page_count", "page_size", "pragma_list", "quick_check", "recursive_triggers",
    "schema_version", "synchronous", "table_info", "table_list", "table_xinfo", "user_version",
})

# Functions that read, write or load files when an SQLite build has them.
FILE_FUNCTIONS = frozenset({"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"})

_REFUSED_HINT = "A datasource reaches only its own database file."


class FileGuard:
    """The authorizer of every connection: refuses statements that reach other files.

    SQLite asks it about each operation while preparing a statement (and VACUUM INTO while
    running, as an ATTACH of its target); `refusal` keeps why the last one was refused.
    """

    def __init__(self) -> None:
        self.refusal: str | None = None

    def __call__(self, action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None) -> int:
        refusal = self._refusal(action, arg1, arg2)
        if refusal is None:
            return sqlite3.SQLITE_OK
        self.refusal = refusal
        return sqlite3.SQLITE_DENY

    @staticmethod
    def _refusal(action: int, arg1: str | None, arg2: str | None) -> str | None:
        if action == sqlite3.SQLITE_ATTACH:
            # A plain VACUUM attaches its temporary copy as '' (an anonymous temporary database).
            return None if arg1 == "" else "ATTACH and VACUUM INTO are not allowed: they open or write other files."
        if action == sqlite3.SQLITE_DETACH:
            return "DETACH is not allowed."
        if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in FILE_FUNCTIONS:
            return f"The function {arg2} is not allowed."
        if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() not in SAFE_PRAGMAS:
            return f"PRAGMA {arg1} is not allowed."
        return None


def _open(config: SqliteConfig, policy: InstancePolicy, guard: FileGuard) -> sqlite3.Connection:
    path = file_in_folder(config.path, policy, create_folder=config.create)
    if not path.exists() and not config.create:
        raise ConnectionFailed(
            f"The database file '{config.path}' does not exist.", "Check the path, or enable 'create'."
        )
    mode = "ro" if config.read_only else ("rwc" if config.create else "rw")
    # isolation_level=None: each statement commits on its own, and a failed one leaves nothing.
    db = sqlite3.connect(f"{path.as_uri()}?mode={mode}", uri=True, isolation_level=None, check_same_thread=False)
    if hasattr(db, "enable_load_extension"):  # absent from Pythons built without extension loading
        db.enable_load_extension(False)
    db.set_authorizer(guard)
    return db


@contextmanager
def _database(config: SqliteConfig, policy: InstancePolicy) -> Iterator[sqlite3.Connection]:
    """An open connection, closed after use; a refused statement raises `FileNotAllowed`."""
    guard = FileGuard()
    db = _open(config, policy, guard)
    try:
        yield db
    except sqlite3.DatabaseError as exc:
        # "not authorized ..." while preparing, "authorization denied" from VACUUM INTO while running.
        if guard.refusal is not None and str(exc).startswith(("not authorized", "authorization denied")):
            raise FileNotAllowed(guard.refusal, _REFUSED_HINT) from None
        raise
    finally:
        db.close()


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
    file_path_field = "path"
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
        except OverflowError as exc:  # a parameter beyond SQLite's 64-bit integers
            raise InvalidParameter(f"A parameter cannot be passed to SQLite: {exc}.") from None

    async def test(self, conn: Connection[SqliteConfig]) -> TestResult:
        def check() -> str:
            with _database(conn.config, conn.policy) as db:
                return str(db.execute("select sqlite_version()").fetchone()[0])

        try:
            with self.map_errors():
                version = await anyio.to_thread.run_sync(check)
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        return TestResult(True, f"Opened the file with SQLite {version}.")

    async def structure(self, conn: Connection[SqliteConfig]) -> Structure:
        def read() -> Structure:
            with _database(conn.config, conn.policy) as db:
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

        with self.map_errors():
            return await anyio.to_thread.run_sync(read)

    async def execute(
        self, conn: Connection[SqliteConfig], query: SqlQuery, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        def run() -> ExecutionResult:
            with _database(conn.config, conn.policy) as db:
                deadline = time.monotonic() + limits.timeout_seconds
                # Called every 10k virtual machine steps; a non-zero answer interrupts the statement.
                db.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
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

        with self.map_errors():
            return await anyio.to_thread.run_sync(run)
