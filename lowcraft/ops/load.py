"""Loading a dump into a store, in one transaction: schema to the dump's revision, rows, upgrade.

Everything runs on one connection inside one transaction (DDL included: PostgreSQL's DDL is
transactional, and `ops_engine` makes SQLite's so), so a load that fails anywhere leaves the
store as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, MetaData, inspect, text

from lowcraft.ops.dump import TableDump, read_rows
from lowcraft.ops.engines import ALEMBIC_TABLE, is_postgres, tables_with_rows
from lowcraft.ops.errors import IncompatibleArchive, TargetNotEmpty
from lowcraft.ops.progress import Progress

# The lock `lowcraft.store.migrate` takes, so no replica migrates the store while it is loaded.
from lowcraft.store.migrate import _LOCK_ID as MIGRATION_LOCK_ID
from lowcraft.store.migrate import MIGRATIONS

_BATCH = 500

RowTransform = Callable[[str, dict[str, Any]], dict[str, Any]]


def _alembic(conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def scripts() -> ScriptDirectory:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def code_head() -> str:
    head = scripts().get_current_head()
    assert head is not None, "Lowcraft ships at least one migration"
    return head


def check_known_revision(revision: str) -> None:
    """Refuse a dump made by a schema this Lowcraft does not have (a newer version's)."""
    try:
        found = scripts().get_revision(revision)
    except CommandError:
        found = None
    if found is None:
        raise IncompatibleArchive(
            f"The archive's schema revision {revision!r} is unknown to this Lowcraft (its head is "
            f"{code_head()!r}); restore it with the Lowcraft version that made it, or a newer one."
        )


def _is_ancestor(ancestor: str, revision: str) -> bool:
    script = scripts()
    for rev in script.iterate_revisions(revision, "base"):
        if rev.revision == ancestor:
            return True
    return False


def _move_schema(conn: Connection, revision: str) -> None:
    current = MigrationContext.configure(conn).get_current_revision()
    if current == revision:
        return
    cfg = _alembic(conn)
    if current is not None and _is_ancestor(revision, current):
        command.downgrade(cfg, revision)
    else:
        command.upgrade(cfg, revision)


def _empty_all(conn: Connection) -> None:
    metadata = MetaData()
    metadata.reflect(conn)
    quote = conn.dialect.identifier_preparer.quote
    for table in reversed(metadata.sorted_tables):
        if table.name != ALEMBIC_TABLE:
            conn.execute(text(f"DELETE FROM {quote(table.name)}"))


def _check_columns(conn: Connection, dumps: Sequence[TableDump]) -> None:
    inspector = inspect(conn)
    present = set(inspector.get_table_names())
    for dump in dumps:
        if dump.name not in present:
            raise IncompatibleArchive(f"The store has no table {dump.name!r} at the archive's schema revision.")
        columns = {c["name"] for c in inspector.get_columns(dump.name)}
        wanted = {c.name for c in dump.columns}
        if columns != wanted:
            raise IncompatibleArchive(
                f"Table {dump.name!r} differs from the archive: columns {sorted(wanted ^ columns)} do not match."
            )


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    while batch := list(islice(rows, _BATCH)):
        yield batch


def _reset_sequences(conn: Connection, dumps: Sequence[TableDump]) -> None:
    """Rows came with their keys, so PostgreSQL's serial counters must be moved past them."""
    quote = conn.dialect.identifier_preparer.quote
    for dump in dumps:
        for column in dump.columns:
            if column.kind != "integer":
                continue
            sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": dump.name, "c": column.name})
            if sequence:
                conn.execute(
                    text(f"SELECT setval(:s, COALESCE((SELECT MAX({quote(column.name)}) FROM {quote(dump.name)}), 1))"),
                    {"s": sequence},
                )


def load_store(
    engine: Engine,
    root: Path,
    dumps: Sequence[TableDump],
    revision: str,
    *,
    replace: bool,
    progress: Progress,
    transform: RowTransform | None = None,
) -> dict[str, int]:
    """Load `dumps` (files under `root`, made at schema `revision`) and upgrade to the newest schema.

    Refuses a store that holds rows unless `replace`, in which case its rows are deleted first.
    Returns the rows loaded per table.
    """
    check_known_revision(revision)
    loaded: dict[str, int] = {}
    with engine.begin() as conn:
        if is_postgres(engine):
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        busy = tables_with_rows(conn)
        if busy and not replace:
            raise TargetNotEmpty(
                f"The target store already holds data (tables: {', '.join(sorted(busy))}); "
                "use --force to replace it."
            )
        if busy:
            _empty_all(conn)
        _move_schema(conn, revision)
        _check_columns(conn, dumps)
        progress.phase("Loading the database", sum(d.rows for d in dumps))
        for dump in dumps:
            table = dump.table()
            count = 0
            rows: Iterator[dict[str, Any]] = read_rows(root, dump)
            if transform is not None:
                rows = (transform(dump.name, row) for row in rows)
            for batch in _batches(rows):
                conn.execute(table.insert(), batch)
                count += len(batch)
                progress.advance(len(batch))
            if count != dump.rows:
                raise IncompatibleArchive(f"{dump.member} holds {count} rows, the manifest says {dump.rows}.")
            loaded[dump.name] = count
        if is_postgres(engine):
            _reset_sequences(conn, dumps)
        command.upgrade(_alembic(conn), "head")
    return loaded

