"""Git: the SSH host keys pinned for an application's SSH remote

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 00:30:00.000000

Connections made over SSH before this revision have no pin: their operations are refused until a
Developer pins the server's key (Git settings, Re-pin host key), as SSH host keys are verified now.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('git_connections') as batch:
        batch.add_column(sa.Column('ssh_host_keys', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('git_connections') as batch:
        batch.drop_column('ssh_host_keys')
