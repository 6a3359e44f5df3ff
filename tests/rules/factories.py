"""Households written straight into the hub's record tables, and the same rows for the facts builder.

A test describes people and their records as plain values; `City.write` inserts
them (with a non-current version beside some of them, which both the SQL and
the builder must ignore) and `City.household` builds the facts of an applicant
from exactly the rows it inserted.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from madoguchi.identifiers import REFERENCE_SCHEME
from madoguchi.registry.models import (
    ChildAllowanceRecord,
    ImportRun,
    JukiRecord,
    LateElderlyRecord,
    LtcRecord,
    NhiRecord,
    PensionRecord,
    TaxRecord,
    VersionedRecord,
)
from madoguchi.rules.facts import HouseholdFacts, build_household

EXPORTED = date(2020, 1, 6)
OLD_VERSION_END = date(2020, 1, 5)

Period = tuple[date, date | None]
"""(acquired or certified on, lost or ended on)."""


def numbers() -> Iterable[str]:
    """Valid 宛名番号/世帯番号 in order (the reference scheme skips some serials)."""
    for serial in itertools.count(100001):
        issued = REFERENCE_SCHEME.issue(serial)
        if issued is not None:
            yield issued


@dataclass
class Member:
    relationship: str = "世帯主"
    birth_date: date | None = date(1980, 6, 15)
    sex: str = "1"
    status: str = "1"
    support_measure: bool = False
    resident_kind: str = "1"
    nhi: Period | None = None
    late_elderly: Period | None = None
    ltc: tuple[str | None, date | None] | None = None
    """(care level, certified until), present when LTC-insured."""
    pension: tuple[str, date | None] | None = None
    """(category, since)."""
    tax: tuple[tuple[int, int, int, bool], ...] = ()
    """(fiscal year, total income, dependents, taxed) per year."""
    old_versions: bool = False
    """Also write an ended version of each of this member's records, with other values."""
    atena: str = ""
    household: str = ""


@dataclass
class Allowance:
    """児童手当 paid to ``recipient`` for ``child`` (indexes into the city's members)."""

    recipient: int
    child: int
    period: Period


@dataclass
class City:
    households: list[list[Member]]
    allowances: list[Allowance] = field(default_factory=list)
    rows: dict[type[VersionedRecord], list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def members(self) -> list[Member]:
        return [m for household in self.households for m in household]

    def number(self) -> None:
        issued = iter(numbers())
        for household in self.households:
            household_number = next(issued)
            for member in household:
                member.atena, member.household = next(issued), household_number

    def write(self, session: Session) -> None:
        """Insert every record (numbering the people first)."""
        self.number()
        run = ImportRun(kind="full", municipality_code="131041", municipality_name="新宿区",
                        extracted_at=datetime(2020, 1, 6, tzinfo=UTC),
                        started_at=datetime(2020, 1, 6, tzinfo=UTC), summary={})
        session.add(run)
        session.flush()
        self.rows = {model: [] for model in (JukiRecord, NhiRecord, LateElderlyRecord, LtcRecord,
                                             PensionRecord, TaxRecord, ChildAllowanceRecord)}
        for member in self.members:
            self._person_rows(member)
        members = self.members
        for allowance in self.allowances:
            self._add(ChildAllowanceRecord, recipient_atena=members[allowance.recipient].atena,
                      child_atena=members[allowance.child].atena, certified_on=allowance.period[0],
                      ended_on=allowance.period[1], monthly_amount=10000)
        for model, rows in self.rows.items():
            for row in rows:
                row["import_id"] = run.id
            if rows:
                session.execute(insert(model), rows)
        session.flush()

    def _add(self, model: type[VersionedRecord], *, old: bool = False, **values: Any) -> None:
        self.rows[model].append({"valid_from": EXPORTED, "valid_to": OLD_VERSION_END if old else None,
                                 "end_reason": "replaced" if old else None, "row_hash": "0" * 64,
                                 **values})

    def _person_rows(self, m: Member) -> None:
        versions = (False, True) if m.old_versions else (False,)
        for old in versions:
            self._add(JukiRecord, old=old, atena_number=m.atena,
                      household_number=m.household if not old else "0000000000",
                      family_name="山田", given_name="花子", family_name_kana="ヤマダ",
                      given_name_kana="ハナコ", birth_date=m.birth_date,
                      birth_date_note=None if m.birth_date else "年月日不詳", sex=m.sex,
                      relationship=m.relationship, resident_kind=m.resident_kind,
                      status=m.status if not old else "1", support_measure=m.support_measure)
            for model, period in ((NhiRecord, m.nhi), (LateElderlyRecord, m.late_elderly)):
                if period is not None or old:
                    acquired, lost = period or (date(1990, 1, 1), None)
                    self._add(model, old=old, atena_number=m.atena, insured_number="1",
                              acquired_on=acquired, lost_on=lost,
                              **({"insured_symbol": "A"} if model is NhiRecord else {}))
            if m.ltc is not None or old:
                level, until = m.ltc or ("要介護5", None)
                self._add(LtcRecord, old=old, atena_number=m.atena, insured_number="1",
                          care_level=level, certified_until=until)
            if m.pension is not None or old:
                category, since = m.pension or ("1", date(1990, 1, 1))
                self._add(PensionRecord, old=old, atena_number=m.atena, category=category, since=since)
            for year, income, dependents, taxed in m.tax or (((2000, 9_999_999, 9, True),) if old else ()):
                self._add(TaxRecord, old=old, atena_number=m.atena, fiscal_year=year,
                          total_income=income, income_kind="salary", taxed=taxed, dependents=dependents)

    def household(self, applicant: Member, on: date) -> HouseholdFacts:
        """The applicant's facts built from the rows written (current and ended alike)."""
        return build_household(
            applicant.atena, on,
            juki=[r for r in self.rows[JukiRecord] if r["household_number"] == applicant.household
                  or r["atena_number"] == applicant.atena],
            nhi=self.rows[NhiRecord], late_elderly=self.rows[LateElderlyRecord],
            ltc=self.rows[LtcRecord], pension=self.rows[PensionRecord], tax=self.rows[TaxRecord],
            child_allowance=self.rows[ChildAllowanceRecord])
