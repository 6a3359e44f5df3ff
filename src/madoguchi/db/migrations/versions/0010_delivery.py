"""delivery outbox: targets, deliveries, their history and step results

Revision ID: 0010
Revises: 0002

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('deliveries',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('delivery_id', sa.Uuid(), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('payload', Json, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', Moment, nullable=False),
    sa.Column('queued_at', Moment, nullable=False),
    sa.Column('next_attempt_at', Moment, nullable=False),
    sa.Column('locked_until', Moment, nullable=True),
    sa.Column('lease_token', sa.Uuid(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('round_attempts', sa.Integer(), nullable=False),
    sa.Column('delivered_at', Moment, nullable=True),
    sa.Column('dead_at', Moment, nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('delivery_id', name=op.f('uq_deliveries_delivery_id'))
    )
    op.create_index(op.f('ix_deliveries_department'), 'deliveries', ['department'], unique=False)
    op.create_index('ix_deliveries_due', 'deliveries', ['status', 'next_attempt_at'], unique=False)
    op.create_table('delivery_targets',
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('secret_env', sa.String(length=100), nullable=True),
    sa.Column('updated_at', Moment, nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('department', name=op.f('pk_delivery_targets'))
    )
    op.create_table('delivery_events',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('delivery_pk', Id, nullable=False),
    sa.Column('at', Moment, nullable=False),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('channel', sa.String(length=32), nullable=True),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', Moment, nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['delivery_pk'], ['deliveries.id'],
                            name=op.f('fk_delivery_events_delivery_pk_deliveries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_events')),
    sa.UniqueConstraint('delivery_pk', 'attempt', name=op.f('uq_delivery_events_delivery_pk_attempt'))
    )
    op.create_table('delivery_steps',
    sa.Column('delivery_pk', Id, nullable=False),
    sa.Column('step', sa.String(length=100), nullable=False),
    sa.Column('result', Json, nullable=False),
    sa.Column('recorded_at', Moment, nullable=False),
    sa.ForeignKeyConstraint(['delivery_pk'], ['deliveries.id'],
                            name=op.f('fk_delivery_steps_delivery_pk_deliveries')),
    sa.PrimaryKeyConstraint('delivery_pk', 'step', name=op.f('pk_delivery_steps'))
    )


def downgrade() -> None:
    op.drop_table('delivery_steps')
    op.drop_table('delivery_events')
    op.drop_table('delivery_targets')
    op.drop_index('ix_deliveries_due', table_name='deliveries')
    op.drop_index(op.f('ix_deliveries_department'), table_name='deliveries')
    op.drop_table('deliveries')
