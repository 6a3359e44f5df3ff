"""What a life adds to a household's bare kinship: dates of residence, jobs, incomes, care, accounts.

Jobs follow age and family (a wife in a family business often works in it);
incomes are 合計所得金額, after the 給与所得控除 or 公的年金等控除; a child is
supported by the parent earning more, which decides the child allowance's
recipient and whose health plan covers the child. Every date comes after the
person's birth and no later than the extraction date.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from japanera import EraDate

from madoguchi.sources.synthetic import income as tax
from madoguchi.sources.synthetic.ages import birthday, month_end
from madoguchi.sources.synthetic.draw import Weighted, between
from madoguchi.sources.synthetic.numbers import my_number
from madoguchi.sources.synthetic.people import (
    DEPENDENT_OCCUPATIONS,
    Account,
    Household,
    Income,
    Occupation,
    Person,
    Status,
)

_J = Occupation
JOBS_YOUNG_ADULT = Weighted([(_J.STUDENT, 50), (_J.EMPLOYEE, 40), (_J.PART_TIME, 5), (_J.UNEMPLOYED, 5)])
JOBS_WIFE = Weighted([(_J.HOMEMAKER, 22), (_J.PART_TIME, 26), (_J.EMPLOYEE, 40), (_J.SELF_EMPLOYED, 7),
                      (_J.UNEMPLOYED, 3)])
JOBS_WIFE_FAMILY_BUSINESS = Weighted([(_J.HOMEMAKER, 22), (_J.PART_TIME, 26), (_J.EMPLOYEE, 40),
                                      (_J.SELF_EMPLOYED, 40), (_J.UNEMPLOYED, 3)])
JOBS_MAN = Weighted([(_J.EMPLOYEE, 80), (_J.SELF_EMPLOYED, 11), (_J.PART_TIME, 3), (_J.UNEMPLOYED, 6)])
JOBS_WOMAN = Weighted([(_J.EMPLOYEE, 72), (_J.SELF_EMPLOYED, 6), (_J.PART_TIME, 12), (_J.UNEMPLOYED, 10)])
JOBS_SIXTIES = Weighted([(_J.EMPLOYEE, 55), (_J.SELF_EMPLOYED, 12), (_J.RETIRED, 30), (_J.UNEMPLOYED, 3)])
JOBS_EARLY_ELDERLY = Weighted([(_J.EMPLOYEE, 18), (_J.SELF_EMPLOYED, 12), (_J.PART_TIME, 5), (_J.RETIRED, 65)])
SUPPORTED_AS_CHILDREN = frozenset({_J.CHILD, _J.PUPIL, _J.STUDENT})
ELDERS = frozenset({"父", "母", "妻の父", "妻の母", "祖父", "祖母"})

SALARY_MEDIAN_BY_AGE: tuple[tuple[int, int], ...] = (
    (65, 3_000_000), (60, 4_400_000), (50, 6_200_000), (45, 5_800_000), (40, 5_400_000),
    (35, 5_000_000), (30, 4_500_000), (25, 3_900_000), (20, 2_800_000), (0, 2_200_000),
)
"""Median gross salary of men by age from (women earn 0.72 of it, the 2020s gap)."""

CARE_LEVELS = Weighted([
    ("要支援1", 14), ("要支援2", 14), ("要介護1", 21), ("要介護2", 17),
    ("要介護3", 13), ("要介護4", 12), ("要介護5", 9),
])
CARE_SHARE_BY_AGE: tuple[tuple[int, float], ...] = ((90, 0.70), (85, 0.48), (80, 0.26), (75, 0.12),
                                                    (70, 0.06), (65, 0.03))
"""Share of people certified as needing care or support (要介護・要支援認定), by age from."""

ACCOUNT_SHARE_BY_AGE: tuple[tuple[int, float], ...] = ((75, 0.45), (65, 0.6), (30, 0.66), (18, 0.55))
BANK_CODES = Weighted([
    ("9900", 30), ("0001", 10), ("0005", 12), ("0009", 10), ("0010", 5), ("0033", 3),
    ("0036", 8), ("0038", 7), ("0116", 8), ("0501", 7),
])
"""全銀協 bank codes: ゆうちょ, the megabanks, the online banks, two regional banks."""

SUPPORT_MEASURE_SHARE = 0.002
UNKNOWN_BIRTH_SHARE = 0.01
"""Of Japanese nationals of 78 and over (about 0.1 % of all): wartime records that never fixed the day."""
NO_MY_NUMBER_SHARE = 0.02


def _by_age(table: tuple[tuple[int, float], ...], age: int) -> float:
    return next((value for low, value in table if age >= low), 0.0)


class Lives:
    """Fills in a household's people as of ``on``, drawing from the household factory's ``rng``."""

    def __init__(self, rng: random.Random, on: date) -> None:
        self.rng = rng
        self.on = on

    def settle(self, h: Household, *, moved_in_on: date | None = None) -> None:
        """Dates of residence, jobs, incomes, who supports whom, care, accounts and the rare cases."""
        self._residence(h, moved_in_on)
        for person in h.members:
            self._occupation(person)
        for person in h.members:
            self._income(person)
        self._providers(h)
        for person in h.members:
            self._extras(person)

    def _residence(self, h: Household, moved_in_on: date | None) -> None:
        """When the household came to its address and to the city; 出生 for those born here since."""
        rng, on = self.rng, self.on
        head = (h.residents or h.members)[0]
        adult_since = max(birthday(head.birth, 18), on - timedelta(days=40 * 365))
        arrival: date | None
        if moved_in_on is not None:
            since = arrival = moved_in_on
        else:
            since = adult_since + timedelta(days=int(rng.random() * max(1, (on - adult_since).days)))
            roll = rng.random()
            if head.foreign is None and roll < 0.45:
                arrival = None  # a family of the city: its members were born here
            elif roll < 0.75:
                arrival = since  # came to the city straight to this address
            else:
                arrival = since - timedelta(days=int(rng.random() * (since - adult_since).days))
        for person in h.members:
            if person.birth >= since:
                person.became_resident_on = person.address_since = person.change_date = person.birth
                person.change_reason = "出生"
                continue
            person.became_resident_on = person.birth if arrival is None or person.birth >= arrival else arrival
            person.address_since = person.change_date = since
            if since == person.became_resident_on:
                abroad = person.foreign is not None and rng.random() < 0.7
                person.change_reason = "国外転入" if abroad else "国内転入"
            else:
                person.change_reason = "転居"
        for person in h.members:
            if person.status is not Status.RESIDENT:
                self._leave(h, person)

    def _leave(self, h: Household, person: Person) -> None:
        """Date the death or the move out of a listed non-resident, within the last five years."""
        assert person.address_since is not None
        start = max(person.address_since, self.on - timedelta(days=5 * 365))
        span = max(1, (self.on - start).days - 1)
        left = min(start + timedelta(days=1 + int(self.rng.random() * span)), self.on - timedelta(days=1))
        person.change_date = left
        if person.status is Status.DECEASED:
            person.change_reason = "死亡"
            successor = next((p for p in h.members if p.status is Status.RESIDENT), None)
            if successor is not None and person.relationship == "世帯主":
                successor.change_reason = "世帯変更"
                successor.change_date = min(left + timedelta(days=between(self.rng, 1, 14)), self.on)
        else:
            person.change_reason = "国外転出" if self.rng.random() < 0.05 else "国内転出"

    def _occupation(self, person: Person) -> None:
        rng, age = self.rng, person.age
        if age < 6:
            person.occupation = Occupation.CHILD
        elif age < 18:
            person.occupation = Occupation.PUPIL
        elif age < 23:
            person.occupation = JOBS_YOUNG_ADULT.draw(rng)
        elif age < 60 and person.sex == 2 and person.spouse is not None:
            family_business = person.spouse.occupation is Occupation.SELF_EMPLOYED
            person.occupation = (JOBS_WIFE_FAMILY_BUSINESS if family_business else JOBS_WIFE).draw(rng)
        elif age < 60:
            person.occupation = (JOBS_MAN if person.sex == 1 else JOBS_WOMAN).draw(rng)
        elif age < 65:
            person.occupation = JOBS_SIXTIES.draw(rng)
        elif age < 75:
            person.occupation = JOBS_EARLY_ELDERLY.draw(rng)
        else:
            person.occupation = Occupation.SELF_EMPLOYED if rng.random() < 0.08 else Occupation.RETIRED
        if person.foreign is not None and 18 <= age < 65 and person.relationship == "世帯主":
            student = person.foreign.residence_status == "留学"
            person.occupation = Occupation.STUDENT if student else Occupation.EMPLOYEE
        if person.occupation not in DEPENDENT_OCCUPATIONS:
            assert person.became_resident_on is not None
            start = max(birthday(person.birth, 18), self.on - timedelta(days=25 * 365), person.became_resident_on)
            person.plan_since = start + timedelta(days=int(rng.random() * max(1, (self.on - start).days)))

    def _income(self, person: Person) -> None:
        rng, age, job = self.rng, person.age, person.occupation
        if age < 18:
            return

        def yearly(gross_of: Callable[[float], int]) -> tuple[int, int]:
            return gross_of(1.0), gross_of(rng.uniform(0.92, 1.04))

        if job is Occupation.EMPLOYEE:
            median = next(m for low, m in SALARY_MEDIAN_BY_AGE if age >= low) * (1.0 if person.sex == 1 else 0.72)
            gross = rng.lognormvariate(0, 0.35) * median
            person.income = Income("salary", *yearly(lambda f: tax.salary_income(tax.round_thousand(gross * f))))
        elif job is Occupation.PART_TIME or (job is Occupation.STUDENT and rng.random() < 0.3):
            wage = rng.uniform(300_000, 1_250_000)
            person.income = Income("salary", *yearly(lambda f: tax.salary_income(tax.round_thousand(wage * f))))
        elif job is Occupation.SELF_EMPLOYED:
            net = rng.lognormvariate(0, 0.8) * 2_200_000 if rng.random() > 0.05 else 0
            person.income = Income("business", *yearly(lambda f: tax.round_thousand(net * f)))
        elif job is Occupation.RETIRED:
            pension = rng.lognormvariate(0, 0.3) * (2_000_000 if person.sex == 1 else 1_100_000)
            pension *= 1.0 if age >= 65 else 0.6
            if rng.random() < 0.1:
                rent = rng.uniform(500_000, 3_000_000)
                person.income = Income("other", *yearly(lambda f: tax.round_thousand(rent * f)))
            else:
                person.income = Income("pension", *yearly(
                    lambda f: tax.pension_income(tax.round_thousand(pension * f), age)))
        elif rng.random() < 0.05:
            other = rng.uniform(200_000, 1_000_000)
            person.income = Income("other", *yearly(lambda f: tax.round_thousand(other * f)))

    def _providers(self, h: Household) -> None:
        """Who supports whom: children by the parent earning more; a low-income adult by the spouse,
        a parent, or (for the 世帯主's elders) the 世帯主."""
        residents = h.residents
        head = residents[0] if residents else None
        for person in residents:
            parents = [p for p in (person.father, person.mother)
                       if p is not None and p.status is Status.RESIDENT and p in residents]
            earner = max(parents, key=lambda p: (p.income.latest, p.sex == 1)) if parents else None
            if earner is not None and (person.age < 23 or person.occupation in SUPPORTED_AS_CHILDREN):
                person.provider = earner
                continue
            if person.income.latest > tax.DEPENDENT_INCOME_LIMIT:
                continue
            spouse = person.spouse
            if spouse is not None and spouse.status is Status.RESIDENT and spouse.income.latest > person.income.latest:
                person.provider = spouse
            elif earner is not None and earner.income.latest > person.income.latest:
                person.provider = earner
            elif head is not None and head is not person and person.relationship in ELDERS \
                    and head.income.latest > person.income.latest:
                person.provider = head

    def _extras(self, person: Person) -> None:
        rng, on, age = self.rng, self.on, person.age
        resident = person.status is Status.RESIDENT
        if rng.random() >= NO_MY_NUMBER_SHARE:
            person.my_number = my_number(person.serial)
        if age >= 65 and resident and rng.random() < _by_age(CARE_SHARE_BY_AGE, age):
            person.care_level = CARE_LEVELS.draw(rng)
            person.care_certified_until = month_end(on.year, on.month + between(rng, 1, 36))
        if age >= 18 and resident and person.given_kana and rng.random() < _by_age(ACCOUNT_SHARE_BY_AGE, age):
            person.account = Account(BANK_CODES.draw(rng), f"{between(rng, 1, 999):03d}",
                                     2 if rng.random() < 0.01 else 1, f"{between(rng, 0, 9_999_999):07d}")
        if resident and 20 <= age < 60 and rng.random() < SUPPORT_MEASURE_SHARE * (2 if person.sex == 2 else 0.4):
            person.support_measure = True
        if age >= 78 and person.foreign is None and rng.random() < UNKNOWN_BIRTH_SHARE:
            person.birth_note = _era_year(person.birth) + "頃" if rng.random() < 0.7 else "年月日不詳"


def _era_year(day: date) -> str:
    """The 和暦 year, e.g. 昭和20年 (元年 for the first)."""
    era = EraDate.from_date(day).era
    year = day.year - era.since.year + 1
    return f"{era.kanji}{'元' if year == 1 else year}年"
