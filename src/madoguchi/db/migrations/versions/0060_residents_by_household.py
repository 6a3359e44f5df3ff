"""juki_records: the current residents by household, for screening the population

Revision ID: 0060
Revises: 0050

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0060'
down_revision: str | Sequence[str] | None = '0050'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RESIDENT = sa.text("valid_to IS NULL AND status = '1'")


def upgrade() -> None:
    op.create_index('ix_juki_records_residents_by_household', 'juki_records', ['household_number'], unique=False,
                    postgresql_include=['atena_number', 'birth_date', 'relationship', 'support_measure', 'sex',
                                        'resident_kind'],
                    postgresql_where=RESIDENT, sqlite_where=RESIDENT)


def downgrade() -> None:
    op.drop_index('ix_juki_records_residents_by_household', table_name='juki_records')
