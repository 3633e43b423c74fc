"""sign-in providers, linked identities, instance settings

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-06 18:57:40.996751

Three new tables, nothing existing changes: providers configured by instance administrators or
the environment, the identities accounts have at them, and run-time instance settings (whether
password login is on).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lowcraft.store.types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in_providers',
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('sealed_secrets', sa.Text(), nullable=True),
    sa.Column('create_accounts', sa.Boolean(), nullable=False),
    sa.Column('role_mapping', sa.JSON(), nullable=False),
    sa.Column('managed_by', sa.String(length=20), nullable=False),
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_providers')),
    sa.UniqueConstraint('slug', name=op.f('uq_sign_in_providers_slug'))
    )
    op.create_table('linked_identities',
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('provider_id', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('mapped_workspaces', sa.JSON(), nullable=False),
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['sign_in_providers.id'], name=op.f('fk_linked_identities_provider_id_sign_in_providers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_linked_identities_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_linked_identities')),
    sa.UniqueConstraint('provider_id', 'subject', name=op.f('uq_linked_identities_provider_id_subject'))
    )
    with op.batch_alter_table('linked_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_linked_identities_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('linked_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_linked_identities_user_id'))

    op.drop_table('linked_identities')
    op.drop_table('sign_in_providers')
