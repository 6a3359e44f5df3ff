"""The synthetic city's people and households, as they live in memory one household at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum, StrEnum

from madoguchi.sources.synthetic.addresses import Address


class Occupation(StrEnum):
    """What a person does; it decides the health plan, the pension category and the income."""

    CHILD = "child"
    """Not yet in compulsory school."""
    PUPIL = "pupil"
    STUDENT = "student"
    EMPLOYEE = "employee"
    PART_TIME = "part_time"
    """Paid below the employee-plan threshold: a dependent for insurance and pension."""
    SELF_EMPLOYED = "self_employed"
    UNEMPLOYED = "unemployed"
    HOMEMAKER = "homemaker"
    RETIRED = "retired"


DEPENDENT_OCCUPATIONS = frozenset({Occupation.CHILD, Occupation.PUPIL, Occupation.STUDENT,
                                   Occupation.PART_TIME, Occupation.HOMEMAKER})
"""Covered by their provider's health plan rather than their own."""


class Status(IntEnum):
    RESIDENT = 1
    MOVED_OUT = 2
    DECEASED = 3


@dataclass(frozen=True, slots=True)
class Koseki:
    """The 戸籍 a Japanese national belongs to: 本籍 and 筆頭者."""

    honseki: str
    hittousha: str


@dataclass(frozen=True, slots=True)
class ForeignStatus:
    nationality: str
    residence_status: str
    residence_expiry: date | None
    """None for statuses without a period (永住者, 特別永住者)."""


@dataclass(frozen=True, slots=True)
class Account:
    """A registered 公金受取口座."""

    bank_code: str
    branch_code: str
    account_type: int
    number: str


@dataclass(slots=True)
class Income:
    """The person's main income: kind and 合計所得金額 for the latest fiscal year and the one before."""

    kind: str = "none"
    latest: int = 0
    previous: int = 0


@dataclass(eq=False, slots=True)
class Person:
    serial: int
    atena: str
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    birth: date
    sex: int
    relationship: str
    occupation: Occupation
    age: int = 0
    """Age on the extraction date (legal counting)."""
    my_number: str = ""
    alias_name: str = ""
    birth_note: str = ""
    """Set when the birth date is unknown; the date is then not written (only used for ages)."""
    koseki: Koseki | None = None
    foreign: ForeignStatus | None = None
    status: Status = Status.RESIDENT
    became_resident_on: date | None = None
    address_since: date | None = None
    change_reason: str = ""
    change_date: date | None = None
    support_measure: bool = False
    income: Income = field(default_factory=Income)
    provider: Person | None = None
    """Whose health plan covers this dependent, and whose tax dependent they are."""
    father: Person | None = None
    mother: Person | None = None
    spouse: Person | None = None
    care_level: str = ""
    care_certified_until: date | None = None
    account: Account | None = None
    plan_since: date | None = None
    """When the current job or retirement began (health plan and pension dates)."""

    @property
    def resident(self) -> bool:
        return self.status is Status.RESIDENT


@dataclass(eq=False, slots=True)
class Household:
    serial: int
    number: str
    address: Address
    members: list[Person] = field(default_factory=list)

    @property
    def residents(self) -> list[Person]:
        return [p for p in self.members if p.status is Status.RESIDENT]
