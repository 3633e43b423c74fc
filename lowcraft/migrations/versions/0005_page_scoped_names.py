"""page-scoped names

Widgets, actions and JS objects are named per page, as in Appsmith: two pages of one application
may each have a `Table1`, a `getOrders` and a `Utils`. Actions and JS objects were unique per
application; they become unique per page. Every stored name stays valid (unique per application
implies unique per page), so the upgrade rewrites no data.

The downgrade restores uniqueness per application and so refuses to run while a name is used on
more than one page of an application: rename those first.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 19:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TABLES = ("actions", "js_objects")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"uq_{table}_application_id_name"), type_="unique")
            batch_op.create_unique_constraint(batch_op.f(f"uq_{table}_page_id_name"), ["page_id", "name"])


def downgrade() -> None:
    conn = op.get_bind()
    for table in TABLES:
        t = sa.table(table, sa.column("application_id", sa.String), sa.column("name", sa.String))
        reused = conn.execute(
            sa.select(t.c.application_id, t.c.name).group_by(t.c.application_id, t.c.name).having(sa.func.count() > 1).limit(5)
        ).all()
        if reused:
            listed = ", ".join(f"{name!r} (application {app})" for app, name in reused)
            raise RuntimeError(
                f"Cannot go back to application-wide names: {table} reuses names across pages: {listed}. "
                "Rename them so each name is used once per application, then downgrade again."
            )
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"uq_{table}_page_id_name"), type_="unique")
            batch_op.create_unique_constraint(batch_op.f(f"uq_{table}_application_id_name"), ["application_id", "name"])
