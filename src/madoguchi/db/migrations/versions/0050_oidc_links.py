"""OpenID Connect login: provider subjects linked to residents, logins in progress

Revision ID: 0050
Revises: 0030

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0050'
down_revision: str | Sequence[str] | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('oidc_links',
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('atena_number', sa.String(length=16), nullable=False),
    sa.Column('linked_at', Moment, nullable=False),
    sa.PrimaryKeyConstraint('issuer', 'subject', name=op.f('pk_oidc_links'))
    )
    op.create_index(op.f('ix_oidc_links_atena_number'), 'oidc_links', ['atena_number'], unique=False)
    op.create_table('oidc_logins',
    sa.Column('state_hash', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=128), nullable=False),
    sa.Column('code_verifier', sa.String(length=128), nullable=False),
    sa.Column('return_to', sa.String(length=500), nullable=False),
    sa.Column('expires_at', Moment, nullable=False),
    sa.PrimaryKeyConstraint('state_hash', name=op.f('pk_oidc_logins'))
    )
    op.create_index(op.f('ix_oidc_logins_expires_at'), 'oidc_logins', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_oidc_logins_expires_at'), table_name='oidc_logins')
    op.drop_table('oidc_logins')
    op.drop_index(op.f('ix_oidc_links_atena_number'), table_name='oidc_links')
    op.drop_table('oidc_links')
