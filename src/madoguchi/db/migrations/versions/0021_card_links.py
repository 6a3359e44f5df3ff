"""card identity: certificate links to residents, login challenges

Revision ID: 0021
Revises: 0020

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | Sequence[str] | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
Moment = sa.DateTime(timezone=True)
ACTIVE = sa.text('revoked_at IS NULL')


def upgrade() -> None:
    op.create_table('card_links',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('issuer', sa.Text(), nullable=False),
    sa.Column('serial', sa.String(length=64), nullable=False),
    sa.Column('atena_number', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('linked_at', Moment, nullable=False),
    sa.Column('linked_by', sa.String(length=100), nullable=False),
    sa.Column('revoked_at', Moment, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_links'))
    )
    op.create_index(op.f('ix_card_links_atena_number'), 'card_links', ['atena_number'], unique=False)
    op.create_index('uq_card_links_active', 'card_links', ['issuer', 'serial'], unique=True,
                    sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    op.create_table('card_challenges',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('issued_at', Moment, nullable=False),
    sa.Column('expires_at', Moment, nullable=False),
    sa.Column('used_at', Moment, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_challenges'))
    )
    op.create_index(op.f('ix_card_challenges_expires_at'), 'card_challenges', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_card_challenges_expires_at'), table_name='card_challenges')
    op.drop_table('card_challenges')
    op.drop_index('uq_card_links_active', table_name='card_links')
    op.drop_index(op.f('ix_card_links_atena_number'), table_name='card_links')
    op.drop_table('card_links')
