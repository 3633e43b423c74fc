"""two-factor authentication and SCIM provisioning

Revision ID: 0009
Revises: 0004
Create Date: 2026-12-06 18:56:33.400164

TOTP secrets and recovery codes per user, instance settings (the instance's 2FA requirement), a
workspace's 2FA requirement (off for existing workspaces), and the SCIM tables: tokens, the SCIM
view of users, groups with members, and group -> workspace role mappings.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lowcraft.store.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scim_groups',
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('display_key', sa.String(length=200), nullable=False),
    sa.Column('external_id', sa.String(length=320), nullable=True),
    sa.Column('resource', sa.JSON(), nullable=False),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scim_groups')),
    sa.UniqueConstraint('display_key', name=op.f('uq_scim_groups_display_key'))
    )
    op.create_table('recovery_codes',
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_recovery_codes_code_hash'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)

    op.create_table('scim_group_mappings',
    sa.Column('group_name', sa.String(length=200), nullable=False),
    sa.Column('group_key', sa.String(length=200), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_scim_group_mappings_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scim_group_mappings')),
    sa.UniqueConstraint('group_key', 'workspace_id', name=op.f('uq_scim_group_mappings_group_key_workspace_id'))
    )
    with op.batch_alter_table('scim_group_mappings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scim_group_mappings_group_key'), ['group_key'], unique=False)

    op.create_table('scim_group_members',
    sa.Column('group_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['scim_groups.id'], name=op.f('fk_scim_group_members_group_id_scim_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_scim_group_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'user_id', name=op.f('pk_scim_group_members'))
    )
    with op.batch_alter_table('scim_group_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scim_group_members_user_id'), ['user_id'], unique=False)

    op.create_table('scim_tokens',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=True),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_scim_tokens_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scim_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_scim_tokens_token_hash'))
    )
    op.create_table('scim_users',
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('user_name', sa.String(length=320), nullable=False),
    sa.Column('external_id', sa.String(length=320), nullable=True),
    sa.Column('resource', sa.JSON(), nullable=False),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_scim_users_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_scim_users')),
    sa.UniqueConstraint('user_name', name=op.f('uq_scim_users_user_name'))
    )
    op.create_table('scim_role_grants',
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_scim_role_grants_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_scim_role_grants_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'workspace_id', name=op.f('pk_scim_role_grants'))
    )
    with op.batch_alter_table('scim_role_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scim_role_grants_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('two_factor',
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('secret', sa.Text(), nullable=True),
    sa.Column('pending_secret', sa.Text(), nullable=True),
    sa.Column('last_step', sa.Integer(), nullable=False),
    sa.Column('enabled_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_two_factor_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_two_factor'))
    )
    # A plain ADD COLUMN, not a batch: on SQLite a batch may rebuild the table, and dropping the old
    # `workspaces` with foreign keys on would cascade into every application.
    op.add_column('workspaces', sa.Column('require_two_factor', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.drop_column('require_two_factor')

    op.drop_table('two_factor')
    with op.batch_alter_table('scim_role_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scim_role_grants_workspace_id'))

    op.drop_table('scim_role_grants')
    op.drop_table('scim_users')
    op.drop_table('scim_tokens')
    with op.batch_alter_table('scim_group_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scim_group_members_user_id'))

    op.drop_table('scim_group_members')
    with op.batch_alter_table('scim_group_mappings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scim_group_mappings_group_key'))

    op.drop_table('scim_group_mappings')
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))

    op.drop_table('recovery_codes')
    op.drop_table('scim_groups')
