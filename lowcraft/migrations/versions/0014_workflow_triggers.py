"""Workflow triggers: webhook tokens, delivery ids, schedules and their claimed fire times

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 22:40:00.000000

A webhook per workflow (its token's SHA-256, never the token), the delivery ids callers sent (a
replay within the window is refused), a cron schedule per workflow, and one row per fire time a
replica claimed (the primary key makes two replicas unable to claim the same fire time).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lowcraft.store.types

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('workflow_webhooks',
    sa.Column('workflow_id', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=True),
    sa.Column('last_used_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_workflow_webhooks_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workflow_id'], ['js_objects.id'], name=op.f('fk_workflow_webhooks_workflow_id_js_objects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_webhooks')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_workflow_webhooks_token_hash')),
    sa.UniqueConstraint('workflow_id', name=op.f('uq_workflow_webhooks_workflow_id'))
    )
    op.create_table('workflow_webhook_deliveries',
    sa.Column('workflow_id', sa.String(length=32), nullable=False),
    sa.Column('delivery_id', sa.String(length=64), nullable=False),
    sa.Column('received_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['workflow_id'], ['js_objects.id'], name=op.f('fk_workflow_webhook_deliveries_workflow_id_js_objects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workflow_id', 'delivery_id', name=op.f('pk_workflow_webhook_deliveries'))
    )
    with op.batch_alter_table('workflow_webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workflow_webhook_deliveries_received_at'), ['received_at'], unique=False)
    op.create_table('workflow_schedules',
    sa.Column('workflow_id', sa.String(length=32), nullable=False),
    sa.Column('cron', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('missed_runs', sa.String(length=16), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('last_fire_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('created_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workflow_id'], ['js_objects.id'], name=op.f('fk_workflow_schedules_workflow_id_js_objects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_schedules')),
    sa.UniqueConstraint('workflow_id', name=op.f('uq_workflow_schedules_workflow_id'))
    )
    op.create_table('workflow_schedule_fires',
    sa.Column('workflow_id', sa.String(length=32), nullable=False),
    sa.Column('fire_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', lowcraft.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=100), nullable=False),
    sa.Column('run_id', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['workflow_id'], ['js_objects.id'], name=op.f('fk_workflow_schedule_fires_workflow_id_js_objects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workflow_id', 'fire_at', name=op.f('pk_workflow_schedule_fires'))
    )


def downgrade() -> None:
    op.drop_table('workflow_schedule_fires')
    op.drop_table('workflow_schedules')
    with op.batch_alter_table('workflow_webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_webhook_deliveries_received_at'))
    op.drop_table('workflow_webhook_deliveries')
    op.drop_table('workflow_webhooks')
