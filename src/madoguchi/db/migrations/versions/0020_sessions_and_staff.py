"""web sessions and staff accounts

Revision ID: 0020
Revises: 0010

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('web_sessions',
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.String(length=100), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=True),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', Moment, nullable=False),
    sa.Column('last_seen_at', Moment, nullable=False),
    sa.Column('idle_timeout_seconds', sa.Integer(), nullable=False),
    sa.Column('expires_at', Moment, nullable=False),
    sa.CheckConstraint("actor_kind IN ('staff', 'resident')", name=op.f('ck_web_sessions_actor_kind')),
    sa.PrimaryKeyConstraint('id_hash', name=op.f('pk_web_sessions'))
    )
    op.create_index('ix_web_sessions_actor', 'web_sessions', ['actor_kind', 'actor_id'], unique=False)
    op.create_index(op.f('ix_web_sessions_expires_at'), 'web_sessions', ['expires_at'], unique=False)
    op.create_table('staff_members',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('may_see_support_measure', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', Moment, nullable=True),
    sa.Column('last_login_at', Moment, nullable=True),
    sa.Column('created_at', Moment, nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.CheckConstraint("role IN ('reviewer', 'manager')", name=op.f('ck_staff_members_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_members')),
    sa.UniqueConstraint('login', name=op.f('uq_staff_members_login'))
    )
    op.create_index(op.f('ix_staff_members_department'), 'staff_members', ['department'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_staff_members_department'), table_name='staff_members')
    op.drop_table('staff_members')
    op.drop_index(op.f('ix_web_sessions_expires_at'), table_name='web_sessions')
    op.drop_index('ix_web_sessions_actor', table_name='web_sessions')
    op.drop_table('web_sessions')
