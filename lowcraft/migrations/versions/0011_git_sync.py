"""Git sync: connections, branch edit states, the operation journal, unpushed objects

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 21:40:00.000000

An application's repository (token and deploy key encrypted), the edit states of the branches it
is not on, and the journal that lets a half-done Git operation be finished on the next start.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lowcraft.store.types

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('git_connections',
    sa.Column('application_id', sa.String(length=32), nullable=False),
    sa.Column('remote_url', sa.String(length=2000), nullable=False),
    sa.Column('auth_kind', sa.String(length=20), nullable=False),
    sa.Column('username', sa.String(length=200), nullable=False),
    sa.Column('token_encrypted', sa.Text(), nullable=True),
    sa.Column('ssh_private_encrypted', sa.Text(), nullable=True),
    sa.Column('ssh_public_key', sa.Text(), nullable=False),
    sa.Column('folder', sa.String(length=500), nullable=False),
    sa.Column('default_branch', sa.String(length=200), nullable=False),
    sa.Column('current_branch', sa.String(length=200), nullable=False),
    sa.Column('published_branch', sa.String(length=200), nullable=True),
    sa.Column('protected_branches', sa.JSON(), nullable=False),
    sa.Column('auto_commit_on_publish', sa.Boolean(), nullable=False),
    sa.Column('head_commit', sa.String(length=64), nullable=True),
    sa.Column('pending_merge', sa.JSON(), nullable=True),
    sa.Column('connected_by', sa.String(length=32), nullable=True),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_git_connections_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['connected_by'], ['users.id'], name=op.f('fk_git_connections_connected_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_git_connections'))
    )
    op.create_table('git_branch_states',
    sa.Column('application_id', sa.String(length=32), nullable=False),
    sa.Column('branch', sa.String(length=200), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('head_commit', sa.String(length=64), nullable=True),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_git_branch_states_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', 'branch', name=op.f('pk_git_branch_states'))
    )
    op.create_table('git_operations',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('application_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('branch', sa.String(length=200), nullable=False),
    sa.Column('previous_commit', sa.String(length=64), nullable=True),
    sa.Column('commit_id', sa.String(length=64), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('finished_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('replaces_edit_state', sa.Boolean(), nullable=False),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_git_operations_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_git_operations'))
    )
    with op.batch_alter_table('git_operations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_git_operations_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_git_operations_state'), ['state'], unique=False)
    op.create_table('git_objects',
    sa.Column('application_id', sa.String(length=32), nullable=False),
    sa.Column('oid', sa.String(length=64), nullable=False),
    sa.Column('commit_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_git_objects_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', 'oid', name=op.f('pk_git_objects'))
    )
    with op.batch_alter_table('git_objects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_git_objects_commit_id'), ['commit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('git_objects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_git_objects_commit_id'))
    op.drop_table('git_objects')
    with op.batch_alter_table('git_operations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_git_operations_state'))
        batch_op.drop_index(batch_op.f('ix_git_operations_application_id'))
    op.drop_table('git_operations')
    op.drop_table('git_branch_states')
    op.drop_table('git_connections')
