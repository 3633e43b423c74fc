"""Workflow runs, their steps and the requests they wait on

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 22:10:00.000000

A workflow is a JS object with an `executeWorkflow` function (no new column); its runs, the steps each run
recorded (what a replay serves instead of running them again) and the human decisions runs wait for.
The durable-execution engine (DBOS) keeps its own tables: schema `dbos` on PostgreSQL, the file
`workflows.db` in the data directory on SQLite.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lowcraft.store.types

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('workflow_runs',
    sa.Column('application_id', sa.String(length=32), nullable=False),
    sa.Column('workflow_id', sa.String(length=32), nullable=False),
    sa.Column('workflow_name', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('environment', sa.String(length=20), nullable=False),
    sa.Column('input', sa.JSON(), nullable=True),
    sa.Column('output', sa.JSON(), nullable=True),
    sa.Column('error', sa.JSON(), nullable=True),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('turn', sa.Integer(), nullable=False),
    sa.Column('started_by', sa.String(length=32), nullable=True),
    sa.Column('started_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_workflow_runs_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['started_by'], ['users.id'], name=op.f('fk_workflow_runs_started_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_runs'))
    )
    with op.batch_alter_table('workflow_runs', schema=None) as batch_op:
        batch_op.create_index('ix_workflow_runs_app_created', ['application_id', 'created_at'], unique=False)
        batch_op.create_index('ix_workflow_runs_status', ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_runs_workflow_id'), ['workflow_id'], unique=False)

    op.create_table('workflow_steps',
    sa.Column('run_id', sa.String(length=32), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('args', sa.JSON(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('started_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['workflow_runs.id'], name=op.f('fk_workflow_steps_run_id_workflow_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('run_id', 'index', name=op.f('pk_workflow_steps'))
    )
    op.create_table('workflow_requests',
    sa.Column('run_id', sa.String(length=32), nullable=False),
    sa.Column('step_index', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('resolutions', sa.JSON(), nullable=False),
    sa.Column('users', sa.JSON(), nullable=False),
    sa.Column('groups', sa.JSON(), nullable=False),
    sa.Column('metadata', sa.JSON(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('resolution', sa.String(length=200), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('resolved_by', sa.String(length=32), nullable=True),
    sa.Column('resolved_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_workflow_requests_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by'], ['users.id'], name=op.f('fk_workflow_requests_resolved_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['run_id'], ['workflow_runs.id'], name=op.f('fk_workflow_requests_run_id_workflow_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_requests'))
    )
    with op.batch_alter_table('workflow_requests', schema=None) as batch_op:
        batch_op.create_index('ix_workflow_requests_app_status', ['application_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_requests_run_id'), ['run_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('workflow_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_requests_run_id'))
        batch_op.drop_index('ix_workflow_requests_app_status')
    op.drop_table('workflow_requests')
    op.drop_table('workflow_steps')
    with op.batch_alter_table('workflow_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_runs_workflow_id'))
        batch_op.drop_index('ix_workflow_runs_status')
        batch_op.drop_index('ix_workflow_runs_app_created')
    op.drop_table('workflow_runs')
