"""js libraries, instance settings

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-06 19:20:00.000000

JS libraries installed per application (app-wide), the code the server fetched for them (by
application and hash), and instance settings saved by instance administrators (the allowed
library URL prefixes). New tables only: nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lowcraft.store.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('instance_settings',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.String(length=32), nullable=True),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_instance_settings_updated_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_instance_settings'))
    )
    op.create_table('js_libraries',
    sa.Column('application_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('version', sa.String(length=100), nullable=True),
    sa.Column('accessor', sa.JSON(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_js_libraries_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_js_libraries')),
    sa.UniqueConstraint('application_id', 'name', name=op.f('uq_js_libraries_application_id_name'))
    )
    with op.batch_alter_table('js_libraries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_js_libraries_application_id'), ['application_id'], unique=False)

    op.create_table('js_library_code',
    sa.Column('application_id', sa.String(length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_js_library_code_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', 'sha256', name=op.f('pk_js_library_code'))
    )


def downgrade() -> None:
    op.drop_table('js_library_code')
    with op.batch_alter_table('js_libraries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_js_libraries_application_id'))
    op.drop_table('js_libraries')
    op.drop_table('instance_settings')
