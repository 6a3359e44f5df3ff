"""Tiny households for the navigator's tests, written into the hub with the registry's row factories.

`Households` adds the other systems' records to persons made by `Hub.person`;
`Households.birth_family()` is shaped like the demo's birth persona.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from madoguchi.clock import TOKYO
from madoguchi.registry.models import JukiRecord
from registry.factories import Hub, a_my_number

SINCE = date(2020, 4, 1)
SNAPSHOT = datetime(2025, 5, 31, 6, 0, tzinfo=TOKYO)
"""The export every system's values are as of (``as_of`` 2025-05-31)."""
SYSTEMS = ("juki", "nhi", "late_elderly", "ltc", "pension", "child_allowance", "tax", "accounts")


@dataclass
class BirthFamily:
    father: JukiRecord
    mother: JukiRecord
    son: JukiRecord


@dataclass
class Households:
    hub: Hub

    def snapshots(self) -> None:
        for system in SYSTEMS:
            self.hub.snapshot(system, SNAPSHOT)

    def person(self, household: str, relationship: str, born: date | None, **columns: Any) -> JukiRecord:
        return self.hub.person(household=household, relationship=relationship, birth_date=born, **columns)

    def household(self) -> str:
        return self.hub.number()

    def nhi(self, person: JukiRecord, *, since: date = SINCE, lost: date | None = None) -> None:
        self.hub.record("nhi", atena_number=person.atena_number, insured_symbol="北見01",
                        insured_number=f"{person.atena_number[-5:]}", acquired_on=since, lost_on=lost)

    def late_elderly(self, person: JukiRecord, *, since: date = SINCE) -> None:
        self.hub.record("late_elderly", atena_number=person.atena_number, insured_number="12345678",
                        acquired_on=since)

    def ltc(self, person: JukiRecord, care_level: str | None = None) -> None:
        self.hub.record("ltc", atena_number=person.atena_number, insured_number="0000123456",
                        care_level=care_level, certified_until=date(2026, 3, 31) if care_level else None)

    def pension(self, person: JukiRecord, category: str, since: date = SINCE) -> None:
        self.hub.record("pension", atena_number=person.atena_number, category=category, since=since)

    def allowance(self, recipient: JukiRecord, child: JukiRecord) -> None:
        self.hub.record("child_allowance", recipient_atena=recipient.atena_number,
                        child_atena=child.atena_number, certified_on=SINCE, monthly_amount=10000)

    def tax(self, person: JukiRecord, income: int, dependents: int = 0) -> None:
        self.hub.record("tax", atena_number=person.atena_number, fiscal_year=2025, total_income=income,
                        income_kind="business", taxed=income > 0, dependents=dependents)

    def account(self, person: JukiRecord) -> None:
        self.hub.account(person.atena_number, bank_code="0116", branch_code="201", account_type="1",
                         account_number="1234567", holder_kana="ｻﾄｳ ｹﾝｲﾁ")

    def birth_family(self) -> BirthFamily:
        """Like the demo's birth persona: a self-employed couple, both NHI-insured, with a son of 3
        for whom the father receives child allowance."""
        self.snapshots()
        home = self.household()
        common = {"family_name": "佐藤", "family_name_kana": "ｻﾄｳ", "honseki": "北海道北見市北5条東2丁目1",
                  "block": "2丁目5-8", "city": "北見市", "prefecture": "北海道", "town": "北進町",
                  "postal_code": "0900001"}
        father = self.person(home, "世帯主", date(1992, 1, 31), given_name="健一", given_name_kana="ケンイチ",
                             hittousha="佐藤　健一", my_number=a_my_number(11), **common)
        mother = self.person(home, "妻", date(1994, 1, 12), given_name="陽子", given_name_kana="ヨウコ",
                             sex="2", hittousha="佐藤　健一", my_number=a_my_number(12), **common)
        son = self.person(home, "子", date(2022, 1, 2), given_name="翔太", given_name_kana="ショウタ",
                          **common)
        for parent in (father, mother):
            self.nhi(parent)
            self.pension(parent, "1")
        self.allowance(father, son)
        self.tax(father, 3_200_000, dependents=2)
        self.tax(mother, 900_000)
        self.account(father)
        return BirthFamily(father, mother, son)

