"""The portable form of a store: one JSON-lines file per table, written in dependency order.

Each line is a JSON array of one row's values in the table's column order. Values JSON cannot hold
as they are (datetimes, binary, decimals) are written as strings, and each column's kind is kept
beside the dump, so a load turns them back into the same Python values on any database.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Time,
    func,
    select,
)
from sqlalchemy.types import TypeDecorator, TypeEngine

from lowcraft.ops.engines import snapshot
from lowcraft.ops.progress import Progress

Kind = Literal["string", "integer", "float", "decimal", "boolean", "datetime", "date", "time", "json", "bytes"]
_BATCH = 1000


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: Kind
    nullable: bool

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "nullable": self.nullable}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ColumnSpec:
        return cls(str(raw["name"]), cast(Kind, raw["kind"]), bool(raw["nullable"]))


@dataclass(frozen=True)
class TableDump:
    """One table's rows in the file `member` (a path relative to the dump's root)."""

    name: str
    member: str
    columns: tuple[ColumnSpec, ...]
    rows: int

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "member": self.member, "rows": self.rows,
                "columns": [c.as_json() for c in self.columns]}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> TableDump:
        return cls(str(raw["name"]), str(raw["member"]), tuple(ColumnSpec.from_json(c) for c in raw["columns"]),
                   int(raw["rows"]))

    def table(self) -> Table:
        """A table definition for inserting these rows; the types only steer value conversion."""
        return Table(self.name, MetaData(), *(Column(c.name, _sql_type(c)) for c in self.columns))


def column_kind(type_: TypeEngine[Any]) -> Kind:
    if isinstance(type_, TypeDecorator):
        return column_kind(type_.impl_instance)
    # Float derives from Numeric, so it is tested first.
    checks: tuple[tuple[type[TypeEngine[Any]], Kind], ...] = (
        (JSON, "json"), (DateTime, "datetime"), (Date, "date"), (Time, "time"), (Boolean, "boolean"),
        (Integer, "integer"), (Float, "float"), (Numeric, "decimal"), (LargeBinary, "bytes"), (String, "string"),
    )
    for cls, kind in checks:
        if isinstance(type_, cls):
            return kind
    raise TypeError(f"no portable form for column type {type_!r}")


def _sql_type(column: ColumnSpec) -> TypeEngine[Any]:
    if column.kind == "json":
        # A NULL in a nullable JSON column stays SQL NULL; elsewhere None is the JSON value null.
        return JSON(none_as_null=column.nullable)
    types: dict[str, TypeEngine[Any]] = {
        "string": String(), "integer": Integer(), "float": Float(), "decimal": Numeric(), "boolean": Boolean(),
        "datetime": DateTime(timezone=True), "date": Date(), "time": Time(), "bytes": LargeBinary(),
    }
    return types[column.kind]


def encode(kind: Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        assert isinstance(value, dt.datetime)
        return value.isoformat()
    if kind in ("date", "time"):
        return value.isoformat()
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode()
    if kind == "decimal":
        return str(value)
    return value


def decode(kind: Kind, raw: Any) -> Any:
    if raw is None:
        return None
    if kind == "datetime":
        value = dt.datetime.fromisoformat(raw)
        # Stored as UTC wherever the zone is known, so SQLite's zone-less text reads back the same.
        return value.astimezone(dt.UTC) if value.tzinfo else value
    if kind == "date":
        return dt.date.fromisoformat(raw)
    if kind == "time":
        return dt.time.fromisoformat(raw)
    if kind == "bytes":
        return base64.b64decode(raw)
    if kind == "decimal":
        return decimal.Decimal(raw)
    return raw


def table_columns(table: Table) -> tuple[ColumnSpec, ...]:
    return tuple(ColumnSpec(c.name, column_kind(c.type), bool(c.nullable)) for c in table.columns)


def _dump_table(conn: Connection, table: Table, path: Path, progress: Progress) -> int:
    columns = table_columns(table)
    kinds = [c.kind for c in columns]
    order = list(table.primary_key.columns) or list(table.columns)
    query = select(*table.columns).order_by(*order)
    rows = 0
    with path.open("w", encoding="utf-8") as out:
        result = conn.execution_options(stream_results=True, yield_per=_BATCH).execute(query)
        for batch in result.partitions(_BATCH):
            for row in batch:
                out.write(json.dumps([encode(k, v) for k, v in zip(kinds, row)], separators=(",", ":")))
                out.write("\n")
            rows += len(batch)
            progress.advance(len(batch))
    return rows


def dump_store(engine: Engine, root: Path, tables: Sequence[Table], progress: Progress, prefix: str = "db") -> list[TableDump]:
    """Write `tables` (already in dependency order) from one snapshot into `root/prefix/`."""
    (root / prefix).mkdir(parents=True, exist_ok=True)
    dumps = []
    with snapshot(engine) as conn:
        total = sum(int(conn.scalar(select(func.count()).select_from(t)) or 0) for t in tables)
        progress.phase("Dumping the database", total)
        for index, table in enumerate(tables):
            member = f"{prefix}/{index:03d}-{table.name}.jsonl"
            rows = _dump_table(conn, table, root / member, progress)
            dumps.append(TableDump(table.name, member, table_columns(table), rows))
    return dumps


def read_rows(root: Path, dump: TableDump) -> Iterator[dict[str, Any]]:
    """The dump's rows as column -> value, converted back to Python values."""
    names = [c.name for c in dump.columns]
    kinds = [c.kind for c in dump.columns]
    with (root / dump.member).open(encoding="utf-8") as lines:
        for line in lines:
            values = json.loads(line)
            if len(values) != len(names):
                raise ValueError(f"{dump.member}: a row has {len(values)} values for {len(names)} columns")
            yield {n: decode(k, v) for n, k, v in zip(names, kinds, values)}
