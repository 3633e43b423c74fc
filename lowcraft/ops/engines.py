"""Engines for dumping and loading a whole store: one snapshot to read, one transaction to write.

The server's engine lets pysqlite open transactions lazily (and run DDL outside them); here SQLite
gets an explicit BEGIN, so a dump reads one consistent snapshot and a restore's schema changes and
rows commit or roll back together, as they do on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.pool import NullPool

from lowcraft.store.db import normalise_url

ALEMBIC_TABLE = "alembic_version"


def ops_engine(url: str, *, write: bool = False) -> Engine:
    """An engine on `url`; on SQLite, transactions are explicit (IMMEDIATE when writing)."""
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return create_engine(url, poolclass=NullPool)
    engine = create_engine(url, poolclass=NullPool, connect_args={"check_same_thread": False})
    begin = "BEGIN IMMEDIATE" if write else "BEGIN"

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver leaves transactions to us
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    def on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(begin)

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", on_begin)
    return engine


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see the store as it was at one moment."""
    with engine.connect() as conn:
        if is_postgres(engine):
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def store_tables(conn: Connection) -> list[str]:
    return [name for name in inspect(conn).get_table_names() if name != ALEMBIC_TABLE]


def tables_with_rows(conn: Connection) -> list[str]:
    """The store's tables that hold at least one row (Alembic's own bookkeeping aside)."""
    quote = conn.dialect.identifier_preparer.quote
    return [
        name for name in store_tables(conn)
        if conn.execute(text(f"SELECT 1 FROM {quote(name)} LIMIT 1")).first() is not None
    ]
