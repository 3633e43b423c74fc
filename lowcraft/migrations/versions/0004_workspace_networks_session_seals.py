"""workspace private networks, session seals

Revision ID: 0004
Revises: 0003_json_repair
Create Date: 2026-12-06 16:40:00.000000

Sessions started before this revision have no seal and end at the upgrade: their users log in
again. A workspace's private-network setting starts unset (the instance default applies).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003_json_repair'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allow_private_networks', sa.Boolean(), nullable=True))
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal', sa.String(length=64), nullable=True))
    # Unsealed sessions would be refused anyway; removing them keeps the table honest.
    op.execute("DELETE FROM login_sessions")


def downgrade() -> None:
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_column('seal')
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.drop_column('allow_private_networks')
