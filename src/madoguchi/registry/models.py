"""The hub's tables.

Each back-office system has one table of *versioned records*: a record is the
system's row for its key (a person, a person and fiscal year, a recipient and
child). A change never overwrites a row: the current version is closed
(``valid_to`` set) and a new one opened, so what the hub held on any past date
can be answered. ``valid_from``/``valid_to`` are the dates of the exports that
first carried and last carried the version; the value's source is the table's
system, its as-of date the system's latest export (``system_snapshots``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from madoguchi.db.base import Base, Id

CURRENT = text("valid_to IS NULL")


class ImportRun(Base):
    """One export set read by `madoguchi import`."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))
    municipality_code: Mapped[str] = mapped_column(String(6))
    municipality_name: Mapped[str] = mapped_column(String(100))
    extracted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SystemSnapshot(Base):
    """The latest export taken from one back-office system: the as-of date of its values."""

    __tablename__ = "system_snapshots"

    system: Mapped[str] = mapped_column(String(32), primary_key=True)
    extracted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    import_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"))


class QuarantinedRow(Base):
    """An input row the hub refused, kept with its reason and its original text (sealed)."""

    __tablename__ = "quarantined_rows"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    file: Mapped[str] = mapped_column(String(64))
    line: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    header: Mapped[list[Any]] = mapped_column(default=list)
    """The file's header, so a listing can mask sensitive columns of the raw text."""
    raw_sealed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VersionedRecord(Base):
    """Columns every system's record table shares."""

    __abstract__ = True
    system: ClassVar[str]
    key_columns: ClassVar[tuple[str, ...]]

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(16))
    """``replaced`` by a newer version, ``ended`` (absent from a full set) or ``deleted`` (a delta)."""
    import_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"))
    row_hash: Mapped[str] = mapped_column(String(64))
    """Keyed hash of the record's content: tells unchanged from changed without opening sealed items."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        keys = cls.key_columns
        return (
            Index(f"uq_{cls.__tablename__}_current", *keys, unique=True,
                  sqlite_where=CURRENT, postgresql_where=CURRENT),
            Index(f"ix_{cls.__tablename__}_history", *keys, "valid_from"),
        )


class JukiRecord(VersionedRecord):
    """住民記録: one person, as the resident register holds them."""

    __tablename__ = "juki_records"
    system = "juki"
    key_columns = ("atena_number",)

    atena_number: Mapped[str] = mapped_column(String(16))
    household_number: Mapped[str] = mapped_column(String(16), index=True)
    my_number_sealed: Mapped[str | None] = mapped_column(Text)
    my_number_lookup: Mapped[str | None] = mapped_column(String(64), index=True)
    family_name: Mapped[str] = mapped_column(Text)
    given_name: Mapped[str] = mapped_column(Text)
    family_name_kana: Mapped[str] = mapped_column(Text)
    given_name_kana: Mapped[str] = mapped_column(Text)
    alias_name: Mapped[str | None] = mapped_column(Text)
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_date_note: Mapped[str | None] = mapped_column(Text)
    sex: Mapped[str] = mapped_column(String(1))
    honseki: Mapped[str | None] = mapped_column(Text)
    hittousha: Mapped[str | None] = mapped_column(Text)
    relationship: Mapped[str] = mapped_column(Text)
    resident_kind: Mapped[str] = mapped_column(String(1))
    status: Mapped[str] = mapped_column(String(1))
    postal_code: Mapped[str | None] = mapped_column(String(7))
    prefecture: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    town: Mapped[str | None] = mapped_column(Text)
    block: Mapped[str | None] = mapped_column(Text)
    building: Mapped[str | None] = mapped_column(Text)
    town_id: Mapped[str | None] = mapped_column(String(7))
    became_resident_on: Mapped[date | None] = mapped_column(Date)
    address_since: Mapped[date | None] = mapped_column(Date)
    change_reason: Mapped[str | None] = mapped_column(Text)
    change_date: Mapped[date | None] = mapped_column(Date)
    nationality: Mapped[str | None] = mapped_column(Text)
    residence_status: Mapped[str | None] = mapped_column(Text)
    residence_expiry: Mapped[date | None] = mapped_column(Date)
    support_measure: Mapped[bool] = mapped_column(Boolean, default=False)
    """支援措置 (DV/stalker support): shown to no one but the person and authorised staff."""


RESIDENTS_BY_HOUSEHOLD = Index(
    "ix_juki_records_residents_by_household", JukiRecord.household_number,
    postgresql_include=["atena_number", "birth_date", "relationship", "support_measure", "sex", "resident_kind"],
    postgresql_where=text("valid_to IS NULL AND status = '1'"),
    sqlite_where=text("valid_to IS NULL AND status = '1'"))
"""The current residents in household order, with every column a screening rule reads.

Screening reads the whole city as applicants and joins each with the members
of their household: from this index (a fraction of the table's size, whose
rows carry names and addresses) both sides come in household order without
touching the table, and a household's members are one index probe.
"""


class TaxRecord(VersionedRecord):
    """個人住民税: one person and fiscal year."""

    __tablename__ = "tax_records"
    system = "tax"
    key_columns = ("atena_number", "fiscal_year")

    atena_number: Mapped[str] = mapped_column(String(16))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    total_income: Mapped[int] = mapped_column(Integer)
    income_kind: Mapped[str] = mapped_column(String(16))
    taxed: Mapped[bool] = mapped_column(Boolean)
    dependents: Mapped[int] = mapped_column(Integer)


class NhiRecord(VersionedRecord):
    """国民健康保険: one insured person."""

    __tablename__ = "nhi_records"
    system = "nhi"
    key_columns = ("atena_number",)

    atena_number: Mapped[str] = mapped_column(String(16))
    insured_symbol: Mapped[str] = mapped_column(Text)
    insured_number: Mapped[str] = mapped_column(Text)
    acquired_on: Mapped[date] = mapped_column(Date)
    lost_on: Mapped[date | None] = mapped_column(Date)


class ChildAllowanceRecord(VersionedRecord):
    """児童手当: one recipient and one child."""

    __tablename__ = "child_allowance_records"
    system = "child_allowance"
    key_columns = ("recipient_atena", "child_atena")

    recipient_atena: Mapped[str] = mapped_column(String(16))
    child_atena: Mapped[str] = mapped_column(String(16), index=True)
    certified_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    monthly_amount: Mapped[int] = mapped_column(Integer)


class LtcRecord(VersionedRecord):
    """介護保険: one insured person (aged 65+, or 40–64 certified)."""

    __tablename__ = "ltc_records"
    system = "ltc"
    key_columns = ("atena_number",)

    atena_number: Mapped[str] = mapped_column(String(16))
    insured_number: Mapped[str] = mapped_column(Text)
    care_level: Mapped[str | None] = mapped_column(String(8))
    certified_until: Mapped[date | None] = mapped_column(Date)


class LateElderlyRecord(VersionedRecord):
    """後期高齢者医療: one insured person."""

    __tablename__ = "late_elderly_records"
    system = "late_elderly"
    key_columns = ("atena_number",)

    atena_number: Mapped[str] = mapped_column(String(16))
    insured_number: Mapped[str] = mapped_column(Text)
    acquired_on: Mapped[date] = mapped_column(Date)
    lost_on: Mapped[date | None] = mapped_column(Date)


class PensionRecord(VersionedRecord):
    """国民年金: the category of one person aged 20–59."""

    __tablename__ = "pension_records"
    system = "pension"
    key_columns = ("atena_number",)

    atena_number: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(1))
    since: Mapped[date | None] = mapped_column(Date)


class AccountRecord(VersionedRecord):
    """公金受取口座: the registered public-money account, sealed as a whole."""

    __tablename__ = "account_records"
    system = "accounts"
    key_columns = ("atena_number",)

    atena_number: Mapped[str] = mapped_column(String(16))
    account_sealed: Mapped[str] = mapped_column(Text)
    """JSON of bank_code, branch_code, account_type, account_number, holder_kana, sealed."""


SYSTEM_TABLES: dict[str, type[VersionedRecord]] = {
    model.system: model
    for model in (JukiRecord, TaxRecord, NhiRecord, ChildAllowanceRecord, LtcRecord,
                  LateElderlyRecord, PensionRecord, AccountRecord)
}
"""Each back-office system's record table, by system name (the export file's stem)."""
