"""What each back-office system records about a household, derived from its people.

Nothing here is random: the rows follow from a person's age, job, income and
household as of the extraction date, by the rules the systems apply
(国民健康保険 for those without an employer's plan, 後期高齢者医療 from the
75th birthday, 児童手当 until the end of the school year in which the child
reaches 18, ...). The delta uses the same rules for the people it adds.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from madoguchi.sources.synthetic import layout
from madoguchi.sources.synthetic.ages import (
    age_on,
    birthday,
    end_of_school_year_reaching,
    latest_fiscal_year,
    reaches_age_on,
)
from madoguchi.sources.synthetic.income import DEPENDENT_INCOME_LIMIT, is_taxed
from madoguchi.sources.synthetic.names import holder_kana
from madoguchi.sources.synthetic.numbers import (
    late_elderly_insured_number,
    ltc_insured_number,
    nhi_insured_number,
    nhi_insured_symbol,
)
from madoguchi.sources.synthetic.people import (
    DEPENDENT_OCCUPATIONS,
    Household,
    Occupation,
    Person,
    Status,
)

Row = tuple[str, list[str]]
"""(file name, the row's values in the layout's column order)."""

LATE_ELDERLY_AGE = 75
LTC_AGE = 65
PENSION_AGES = range(20, 60)
ADULT_AGE = 18
CHILD_ALLOWANCE_UNTIL_AGE = 18
COUNTED_CHILD_UNTIL_AGE = 22
"""Children up to the school year reaching 22 count for the third-child amount (2024 reform)."""
ALLOWANCE_UNDER_3 = 15_000
ALLOWANCE_FROM_3 = 10_000
ALLOWANCE_THIRD_CHILD = 30_000


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def left_on(person: Person) -> date | None:
    """The day a listed non-resident stopped living in the city (moved out, or died)."""
    return person.change_date if person.status is not Status.RESIDENT else None


def loses_qualification_on(person: Person) -> date | None:
    """資格喪失日: the day after the death or the move out (国民健康保険法 8条, 高齢者医療確保法 53条)."""
    left = left_on(person)
    return left + timedelta(days=1) if left is not None else None


def _health_provider(person: Person) -> Person | None:
    if person.provider is not None:
        return person.provider
    spouse = person.spouse
    if spouse is not None and spouse.resident and spouse.occupation not in DEPENDENT_OCCUPATIONS:
        return spouse
    return None


def in_late_elderly(person: Person, on: date) -> bool:
    """後期高齢者医療 starts on the 75th birthday itself."""
    return birthday(person.birth, LATE_ELDERLY_AGE) <= on


def in_nhi(person: Person, on: date) -> bool:
    """国民健康保険: before 75 and neither an employee nor covered as an employee's dependent."""
    if in_late_elderly(person, on) or person.occupation is Occupation.EMPLOYEE:
        return False
    provider = _health_provider(person) if person.occupation in DEPENDENT_OCCUPATIONS else None
    if provider is None:
        return True
    return in_late_elderly(provider, on) or in_nhi(provider, on)


def _nhi_since(person: Person) -> date:
    provider = _health_provider(person) if person.occupation in DEPENDENT_OCCUPATIONS else None
    start = person.plan_since or (provider.plan_since if provider is not None else None) or person.birth
    assert person.became_resident_on is not None
    return max(person.birth, person.became_resident_on, start)


def pension_category(person: Person, on: date) -> int:
    """国民年金の種別 of a person aged 20–59: 2 employees, 3 their dependent spouses, 1 the rest."""
    if person.occupation is Occupation.EMPLOYEE:
        return 2
    spouse = person.spouse
    if person.occupation in (Occupation.HOMEMAKER, Occupation.PART_TIME) and spouse is not None \
            and spouse.resident and spouse.occupation is Occupation.EMPLOYEE and age_on(spouse.birth, on) < 65:
        return 3
    return 1


def _pension_since(person: Person, category: int) -> date:
    twenty = reaches_age_on(person.birth, 20)
    if category == 3:
        assert person.spouse is not None
        return max(twenty, person.spouse.plan_since or twenty)
    return max(twenty, person.plan_since or twenty)


def allowance_children(recipient: Person, household: Household) -> list[Person]:
    """The recipient's children at home, eldest first, that count for the allowance's amounts."""
    return sorted((p for p in household.members
                   if p.resident and (p.mother is recipient or p.father is recipient)),
                  key=lambda p: p.birth)


def allowance_amount(child: Person, rank: int, on: date) -> int:
    """児童手当 monthly amount: 30,000 from the third counted child, else 15,000 under 3, 10,000 from 3."""
    if rank >= 3:
        return ALLOWANCE_THIRD_CHILD
    return ALLOWANCE_UNDER_3 if age_on(child.birth, on) < 3 else ALLOWANCE_FROM_3


def allowance_covers(child: Person, on: date) -> bool:
    return on <= end_of_school_year_reaching(child.birth, CHILD_ALLOWANCE_UNTIL_AGE)


class SystemRecords:
    """Each system's rows for a household, as extracted on ``on``."""

    def __init__(self, on: date) -> None:
        self.on = on
        self.fiscal_years = (latest_fiscal_year(on), latest_fiscal_year(on) - 1)
        self.levy_days = tuple(date(year, 1, 1) for year in self.fiscal_years)
        """賦課期日: a fiscal year's tax falls on those living in the city on its January 1."""

    def rows(self, h: Household) -> Iterator[Row]:
        for person in h.members:
            yield layout.JUKI, self.juki_row(h, person)
        dependents: dict[Person, int] = {}
        for q in h.members:
            if q.provider is not None and q.status is Status.RESIDENT and q.income.latest <= DEPENDENT_INCOME_LIMIT:
                dependents[q.provider] = dependents.get(q.provider, 0) + 1
        for person in h.members:
            yield from self.person_rows(h, person, dependents.get(person, 0))
        yield from self.child_allowance_rows(h)

    def juki_row(self, h: Household, p: Person) -> list[str]:
        a = h.address
        koseki, foreign = p.koseki, p.foreign
        return [
            p.atena, h.number, p.my_number,
            p.family_name, p.given_name, p.family_kana, p.given_kana, p.alias_name,
            "" if p.birth_note else p.birth.isoformat(), p.birth_note, str(p.sex),
            koseki.honseki if koseki and not foreign else "", koseki.hittousha if koseki and not foreign else "",
            p.relationship, "2" if foreign else "1", str(int(p.status)),
            a.postal_code, a.prefecture, a.city, a.town, a.block, a.building, "",
            _iso(p.became_resident_on), _iso(p.address_since), p.change_reason, _iso(p.change_date),
            foreign.nationality if foreign else "", foreign.residence_status if foreign else "",
            _iso(foreign.residence_expiry) if foreign else "", "1" if p.support_measure else "",
        ]

    def person_rows(self, h: Household, p: Person, dependents: int = 0) -> Iterator[Row]:
        resident = p.status is Status.RESIDENT
        on = self.on if resident else left_on(p) or self.on
        age = age_on(p.birth, on)
        lost = "" if resident else _iso(loses_qualification_on(p))
        if in_nhi(p, on):
            acquired = _nhi_since(p) if resident else min(_nhi_since(p), on)
            yield layout.NHI, [p.atena, nhi_insured_symbol(h.serial), nhi_insured_number(p.serial),
                               acquired.isoformat(), lost]
        if in_late_elderly(p, on):
            assert p.became_resident_on is not None
            acquired = max(birthday(p.birth, LATE_ELDERLY_AGE), p.became_resident_on)
            yield layout.LATE_ELDERLY, [p.atena, late_elderly_insured_number(p.serial), acquired.isoformat(), lost]
        if resident and age >= LTC_AGE:
            yield layout.LTC, [p.atena, ltc_insured_number(p.serial), p.care_level, _iso(p.care_certified_until)]
        if resident and age in PENSION_AGES:
            category = pension_category(p, on)
            yield layout.PENSION, [p.atena, str(category), _pension_since(p, category).isoformat()]
        if age_on(p.birth, self.on) >= ADULT_AGE:
            yield from self.tax_rows(p, dependents if resident else 0)
        if resident and p.account is not None:
            account = p.account
            yield layout.ACCOUNTS, [p.atena, account.bank_code, account.branch_code, str(account.account_type),
                                    account.number, holder_kana(p.family_kana, p.given_kana)]

    def tax_rows(self, p: Person, dependents: int) -> Iterator[Row]:
        """個人住民税 for the fiscal years whose 賦課期日 (January 1) found the adult living here."""
        assert p.became_resident_on is not None
        left = left_on(p)
        for year, levy_day, total in zip(self.fiscal_years, self.levy_days,
                                         (p.income.latest, p.income.previous), strict=True):
            if p.became_resident_on > levy_day or (left is not None and left <= levy_day):
                continue
            yield layout.TAX, [p.atena, str(year), str(total), p.income.kind,
                               "1" if is_taxed(total, dependents) else "0", str(dependents)]

    def child_allowance_rows(self, h: Household) -> Iterator[Row]:
        for child in h.members:
            recipient = child.provider
            if recipient is None or not (child.resident and recipient.resident) \
                    or recipient not in (child.mother, child.father) or not allowance_covers(child, self.on):
                continue
            ranked = [c for c in allowance_children(recipient, h)
                      if self.on <= end_of_school_year_reaching(c.birth, COUNTED_CHILD_UNTIL_AGE)]
            rank = ranked.index(child) + 1
            assert recipient.became_resident_on is not None and child.became_resident_on is not None
            certified = max(child.birth + timedelta(days=child.serial % 14 + 1),
                            recipient.became_resident_on, child.became_resident_on)
            yield layout.CHILD_ALLOWANCE, [recipient.atena, child.atena, min(certified, self.on).isoformat(), "",
                                           str(allowance_amount(child, rank, self.on))]
