"""Dates as Japanese law counts them: school years, the day an age is reached, month ends, closed days."""

from __future__ import annotations

from datetime import date

from .conftest import Navigator, procedures
from .households import Households


def movers(*born: str) -> list[dict[str, object]]:
    return [{"family_name": "山田", "birth_date": b, "relationship": "子" if n else "世帯主"}
            for n, b in enumerate(born)]


def test_a_child_born_on_april_1_starts_school_a_year_before_one_born_on_april_2(
        navigator: Navigator) -> None:
    plan = navigator.plan("move-in", "-", date(2025, 4, 10), movers=movers("1985-01-01", "2019-04-01", "2019-04-02"))
    assert [s for p, s in procedures(plan) if p == "school-transfer-in"] == ["mover:1"]


def test_a_child_born_on_april_1_leaves_compulsory_school_age_a_year_earlier(navigator: Navigator) -> None:
    # Born on 4/1: 15 on 2025-03-31, the last day of that school year; born on 4/2: 15 on 2025-04-01.
    plan = navigator.plan("move-in", "-", date(2025, 4, 10), movers=movers("1985-01-01", "2010-04-01", "2010-04-02"))
    assert [s for p, s in procedures(plan) if p == "school-transfer-in"] == ["mover:2"]


def test_65_is_reached_on_the_day_before_the_birthday_and_late_elderly_care_starts_on_the_75th(
        navigator: Navigator) -> None:
    people = movers("1960-06-02", "1950-06-02")
    day_before = navigator.plan("move-in", "-", date(2025, 6, 1), movers=people)
    assert ("ltc-enrollment", "mover:0") in procedures(day_before)  # 65 on 6/1, the day before the birthday
    assert ("late-elderly-enrollment", "mover:1") not in procedures(day_before)  # 75 only on 6/2 itself
    two_days_before = navigator.plan("move-in", "-", date(2025, 5, 31), movers=people)
    assert ("ltc-enrollment", "mover:0") not in procedures(two_days_before)


def test_a_month_from_january_31_ends_on_the_last_day_of_february(navigator: Navigator) -> None:
    plan = navigator.plan("move-in", "-", date(2025, 1, 30), movers=movers("1985-01-01", "2020-05-05"))
    subsidy = next(p for p in plan.procedures if p.id == "child-medical-subsidy")
    assert subsidy.deadline == date(2025, 2, 28)  # counted from 1/31 (民法140条): ends 2/28 (民法143条)


def test_a_deadline_in_the_new_year_closure_moves_to_the_first_open_day(
        navigator: Navigator, homes: Households) -> None:
    family = homes.birth_family()
    plan = navigator.plan("birth", family.father.atena_number, date(2024, 12, 20))
    registration = next(p for p in plan.procedures if p.id == "birth-registration")
    assert registration.deadline == date(2025, 1, 6)  # 1/2 is closed, then 1/3 and a weekend


def test_a_deadline_across_a_month_end_counts_the_day_of_the_event(
        navigator: Navigator, homes: Households) -> None:
    family = homes.birth_family()
    plan = navigator.plan("birth", family.father.atena_number, date(2025, 4, 18))
    due = {p.id: p.deadline for p in plan.procedures}
    assert due["birth-registration"] == date(2025, 5, 1)  # 4/18 … 5/1 is 14 days
    assert due["newborn-visit"] == date(2025, 5, 16)  # 28 days from 4/19
