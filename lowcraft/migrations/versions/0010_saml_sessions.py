"""SAML sessions, for single logout

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 20:31:00.000000

Which login session came from which SAML provider, for whom (NameID) and in which IdP session
(SessionIndex): a logout at Lowcraft tells the IdP, and the IdP's logout ends these sessions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lowcraft.store.types

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('saml_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('provider_id', sa.String(length=32), nullable=False),
    sa.Column('name_id', sa.Text(), nullable=False),
    sa.Column('name_id_key', sa.String(length=64), nullable=False),
    sa.Column('session_index', sa.String(length=255), nullable=False),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['sign_in_providers.id'], name=op.f('fk_saml_sessions_provider_id_sign_in_providers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saml_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saml_sessions'))
    )
    with op.batch_alter_table('saml_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_saml_sessions_provider_name', ['provider_id', 'name_id_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_saml_sessions_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('saml_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saml_sessions_user_id'))
        batch_op.drop_index('ix_saml_sessions_provider_name')

    op.drop_table('saml_sessions')
