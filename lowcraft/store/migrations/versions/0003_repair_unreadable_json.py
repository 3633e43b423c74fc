"""repair stored documents that cannot be read back

Before the edge checked JSON bodies (`lowcraft.jsoncheck`), a page, theme, action config or audit
summary could be saved holding a lone surrogate, NaN or Infinity, or nesting hundreds of levels
deep; every read of it answered 500 after. This walks every JSON document in the store and
rewrites the ones that hold such values: lone surrogates become U+FFFD, numbers that are not
finite become null, and whatever nests past the body limit becomes null. Documents without such
values are not written.

Revision ID: 0003_json_repair
Revises: 0002
Create Date: 2026-12-06 16:30:00
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic import op

from lowcraft.jsoncheck import needs_repair, repair

revision = "0003_json_repair"
down_revision = "0002"
branch_labels = None
depends_on = None

log = logging.getLogger("lowcraft.store.migrations")

# Every JSON column a client's input reaches, by table.
DOCUMENTS = {
    "pages": ("dsl",),
    "applications": ("theme", "settings", "published"),
    "actions": ("config", "settings"),
    "audit_events": ("summary",),
}
_BATCH = 200


@contextmanager
def _deep_parsing() -> Iterator[None]:
    # A stored document may nest up to the ~1000 levels Python's parser took when it was saved;
    # read here, below Alembic's frames, it needs a little more stack than the default allows.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 5000))
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def _rows(conn: sa.Connection, table: str, column: str) -> Iterator[tuple[str, str | None]]:
    """(id, document text), in batches by id: the text as stored, parsed here rather than by the
    driver, so NaN and deep nesting come back as Python reads them."""
    t = sa.table(table, sa.column("id", sa.String), sa.column(column))
    last = ""
    while True:
        batch = conn.execute(
            sa.select(t.c.id, sa.cast(t.c[column], sa.Text)).where(t.c.id > last).order_by(t.c.id).limit(_BATCH)
        ).all()
        if not batch:
            return
        yield from ((row[0], row[1]) for row in batch)
        last = batch[-1][0]


def upgrade() -> None:
    conn = op.get_bind()
    repaired = 0
    with _deep_parsing():
        for table, columns in DOCUMENTS.items():
            for column in columns:
                t = sa.table(table, sa.column("id", sa.String), sa.column(column, sa.JSON))
                for row_id, text in _rows(conn, table, column):
                    if text is None:
                        continue
                    value: Any = json.loads(text)
                    if needs_repair(value):
                        conn.execute(sa.update(t).where(t.c.id == row_id).values({column: repair(value)}))
                        repaired += 1
    if repaired:
        log.warning("repaired %d stored documents that held unreadable JSON", repaired)


def downgrade() -> None:
    pass  # the repaired values are valid before this revision too
