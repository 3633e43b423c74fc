"""Workflow executors: the replicas executing runs and when each last said it was alive

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 23:20:00.000000

A replica silent for longer than the executor timeout is taken over by a live one, which deletes
its row (so one replica wins) and resumes the runs it was advancing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lowcraft.store.types

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('workflow_executors',
    sa.Column('executor_id', sa.String(length=100), nullable=False),
    sa.Column('seen_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('executor_id', name=op.f('pk_workflow_executors'))
    )


def downgrade() -> None:
    op.drop_table('workflow_executors')
