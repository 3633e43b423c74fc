"""application JS libraries

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 19:20:00.000000

An application's JavaScript libraries (`application.jsLibraries` in the document): name, URL,
version and the globals each defines. Existing applications have none.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('js_libraries', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('js_libraries')
