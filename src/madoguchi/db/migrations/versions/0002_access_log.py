"""access log: per-resident hash chains, signed checkpoints, data API clients

Revision ID: 0002
Revises: 0001

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
Subject = sa.String(length=16).with_variant(sa.String(length=16, collation='C'), 'postgresql')
Digest = sa.String(length=64)


def upgrade() -> None:
    op.create_table('access_chain_heads',
    sa.Column('subject', Subject, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', Digest, nullable=False),
    sa.Column('sealed_seq', sa.Integer(), nullable=False),
    sa.Column('pending', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('subject', name=op.f('pk_access_chain_heads'))
    )
    with op.batch_alter_table('access_chain_heads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_chain_heads_pending'), ['pending'], unique=False)

    op.create_table('access_checkpoints',
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('previous_hash', Digest, nullable=False),
    sa.Column('heads_count', sa.Integer(), nullable=False),
    sa.Column('heads_digest', Digest, nullable=False),
    sa.Column('hash', Digest, nullable=False),
    sa.Column('signature', sa.Text(), nullable=False),
    sa.Column('signer', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_access_checkpoints'))
    )
    op.create_table('access_log_entries',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('subject', Subject, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.String(length=100), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=True),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('my_number_basis', sa.Text(), nullable=True),
    sa.Column('items', Json, nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('prev_hash', Digest, nullable=False),
    sa.Column('hash', Digest, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log_entries')),
    sa.UniqueConstraint('subject', 'seq', name=op.f('uq_access_log_entries_subject_seq'))
    )
    op.create_table('api_clients',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=True),
    sa.Column('purposes', Json, nullable=False),
    sa.Column('token_hash', Digest, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_clients')),
    sa.UniqueConstraint('name', name=op.f('uq_api_clients_name')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_clients_token_hash'))
    )
    op.create_table('checkpoint_heads',
    sa.Column('checkpoint_number', sa.Integer(), nullable=False),
    sa.Column('subject', Subject, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', Digest, nullable=False),
    sa.ForeignKeyConstraint(['checkpoint_number'], ['access_checkpoints.number'],
                            name=op.f('fk_checkpoint_heads_checkpoint_number_access_checkpoints')),
    sa.PrimaryKeyConstraint('checkpoint_number', 'subject', name=op.f('pk_checkpoint_heads'))
    )
    with op.batch_alter_table('checkpoint_heads', schema=None) as batch_op:
        batch_op.create_index('ix_checkpoint_heads_subject_seq', ['subject', 'seq'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('checkpoint_heads', schema=None) as batch_op:
        batch_op.drop_index('ix_checkpoint_heads_subject_seq')
    op.drop_table('checkpoint_heads')
    op.drop_table('api_clients')
    op.drop_table('access_log_entries')
    op.drop_table('access_checkpoints')
    with op.batch_alter_table('access_chain_heads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_chain_heads_pending'))
    op.drop_table('access_chain_heads')
