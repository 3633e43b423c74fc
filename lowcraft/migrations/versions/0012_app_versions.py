"""Application versions: version history without Git

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 21:50:00.000000

One row per publish and per restore, holding the whole application document. Applications
published before this revision get their published document as version 1, so the history starts
with what viewers see.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lowcraft.store.types
from lowcraft.store.types import new_id, utcnow

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_versions',
    sa.Column('application_id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=True),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('restored_from', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.String(length=32), nullable=True),
    sa.Column('author_email', sa.String(length=320), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_app_versions_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_app_versions_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_versions')),
    sa.UniqueConstraint('application_id', 'number', name=op.f('uq_app_versions_application_id_number'))
    )
    with op.batch_alter_table('app_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_versions_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_app_versions_created_at'), ['created_at'], unique=False)

    applications = sa.table(
        'applications', sa.column('id', sa.String), sa.column('published', sa.JSON),
        sa.column('published_at', lowcraft.store.types.UTCDateTime(timezone=True)),
    )
    versions = sa.table(
        'app_versions', sa.column('id', sa.String), sa.column('application_id', sa.String),
        sa.column('number', sa.Integer), sa.column('kind', sa.String), sa.column('document', sa.JSON),
        sa.column('author_email', sa.String), sa.column('author_name', sa.String),
        sa.column('created_at', lowcraft.store.types.UTCDateTime(timezone=True)),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(applications.c.id, applications.c.published, applications.c.published_at)
        .where(applications.c.published.is_not(None))
    ).all()
    for app_id, document, published_at in rows:
        if document is None:  # a JSON null, which `IS NOT NULL` lets through on some databases
            continue
        bind.execute(versions.insert().values(
            id=new_id(), application_id=app_id, number=1, kind='publish', document=document,
            author_email='', author_name='', created_at=published_at or utcnow(),
        ))


def downgrade() -> None:
    with op.batch_alter_table('app_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_versions_created_at'))
        batch_op.drop_index(batch_op.f('ix_app_versions_application_id'))

    op.drop_table('app_versions')
