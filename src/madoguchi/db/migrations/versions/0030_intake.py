"""intake: drafts, bundles, applications, history, co-signatures, attachments

Revision ID: 0030
Revises: 0021


"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0030'
down_revision: str | Sequence[str] | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('drafts',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('draft_id', sa.Uuid(), nullable=False),
    sa.Column('applicant', sa.String(length=16), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('answers', Json, nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('filled', Json, nullable=False),
    sa.Column('values', Json, nullable=False),
    sa.Column('created_at', Moment, nullable=False),
    sa.Column('updated_at', Moment, nullable=False),
    sa.Column('expires_at', Moment, nullable=False),
    sa.Column('submitted_bundle', sa.String(length=16), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drafts')),
    sa.UniqueConstraint('draft_id', name=op.f('uq_drafts_draft_id'))
    )
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drafts_applicant'), ['applicant'], unique=False)

    op.create_table('idempotency_records',
    sa.Column('scope', sa.String(length=150), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_digest', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response', Json, nullable=False),
    sa.Column('created_at', Moment, nullable=False),
    sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_idempotency_records'))
    )
    op.create_table('bundles',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('draft_pk', Id, nullable=False),
    sa.Column('applicant', sa.String(length=16), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('content_digest', sa.String(length=64), nullable=False),
    sa.Column('signature', Json, nullable=False),
    sa.Column('submitted_at', Moment, nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['draft_pk'], ['drafts.id'], name=op.f('fk_bundles_draft_pk_drafts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bundles')),
    sa.UniqueConstraint('content_digest', name=op.f('uq_bundles_content_digest')),
    sa.UniqueConstraint('draft_pk', name=op.f('uq_bundles_draft_pk')),
    sa.UniqueConstraint('reference', name=op.f('uq_bundles_reference'))
    )
    with op.batch_alter_table('bundles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bundles_applicant'), ['applicant'], unique=False)

    op.create_table('applications',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('bundle_pk', Id, nullable=False),
    sa.Column('procedure', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=32), nullable=False),
    sa.Column('subject_atena', sa.String(length=16), nullable=True),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('open_key', sa.String(length=200), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('fields', Json, nullable=False),
    sa.Column('evidence', Json, nullable=False),
    sa.Column('correction', Json, nullable=True),
    sa.Column('created_at', Moment, nullable=False),
    sa.Column('updated_at', Moment, nullable=False),
    sa.ForeignKeyConstraint(['bundle_pk'], ['bundles.id'], name=op.f('fk_applications_bundle_pk_bundles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('open_key', name=op.f('uq_applications_open_key')),
    sa.UniqueConstraint('reference', name=op.f('uq_applications_reference'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_bundle_pk'), ['bundle_pk'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_department'), ['department'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_subject_atena'), ['subject_atena'], unique=False)

    op.create_table('application_events',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('application_pk', Id, nullable=False),
    sa.Column('at', Moment, nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('fields', Json, nullable=True),
    sa.ForeignKeyConstraint(['application_pk'], ['applications.id'], name=op.f('fk_application_events_application_pk_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_events'))
    )
    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_events_application_pk'), ['application_pk'], unique=False)

    op.create_table('attachments',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('attachment_id', sa.Uuid(), nullable=False),
    sa.Column('draft_pk', Id, nullable=False),
    sa.Column('application_pk', Id, nullable=True),
    sa.Column('procedure', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=32), nullable=False),
    sa.Column('evidence', sa.String(length=100), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('verified', Json, nullable=True),
    sa.ForeignKeyConstraint(['application_pk'], ['applications.id'], name=op.f('fk_attachments_application_pk_applications')),
    sa.ForeignKeyConstraint(['draft_pk'], ['drafts.id'], name=op.f('fk_attachments_draft_pk_drafts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('attachment_id', name=op.f('uq_attachments_attachment_id'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_application_pk'), ['application_pk'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_draft_pk'), ['draft_pk'], unique=False)

    op.create_table('co_signatures',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('application_pk', Id, nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('requested_at', Moment, nullable=False),
    sa.Column('expires_at', Moment, nullable=False),
    sa.Column('signed_at', Moment, nullable=True),
    sa.Column('signer', Json, nullable=True),
    sa.Column('signature', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['application_pk'], ['applications.id'], name=op.f('fk_co_signatures_application_pk_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_co_signatures')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_co_signatures_token_hash'))
    )
    with op.batch_alter_table('co_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_co_signatures_application_pk'), ['application_pk'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('co_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_co_signatures_application_pk'))

    op.drop_table('co_signatures')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_draft_pk'))
        batch_op.drop_index(batch_op.f('ix_attachments_application_pk'))

    op.drop_table('attachments')
    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_events_application_pk'))

    op.drop_table('application_events')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_subject_atena'))
        batch_op.drop_index(batch_op.f('ix_applications_status'))
        batch_op.drop_index(batch_op.f('ix_applications_department'))
        batch_op.drop_index(batch_op.f('ix_applications_bundle_pk'))

    op.drop_table('applications')
    with op.batch_alter_table('bundles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bundles_applicant'))

    op.drop_table('bundles')
    op.drop_table('idempotency_records')
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drafts_applicant'))

    op.drop_table('drafts')
