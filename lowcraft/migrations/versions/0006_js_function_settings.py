"""JS function settings: run on page load, confirm before calling

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-06 19:30:00.000000

Each JS object keeps, per function, Appsmith's "run on page load" and "confirm before calling"
(`{"fetchAll": {"runOnPageLoad": true, "confirmBeforeRun": false}}`); existing objects start with
none set.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('js_objects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settings', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('js_objects', schema=None) as batch_op:
        batch_op.drop_column('settings')
