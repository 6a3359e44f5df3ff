from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from madoguchi.rules import lawdates

DAY = timedelta(days=1)


def test_a_person_reaches_an_age_on_the_day_before_the_birthday() -> None:
    birth = date(2007, 6, 15)
    assert lawdates.age(birth, date(2025, 6, 13)) == 17
    assert lawdates.age(birth, date(2025, 6, 14)) == 18
    assert lawdates.reached(birth, date(2025, 6, 14), 18)
    assert not lawdates.reached(birth, date(2025, 6, 13), 18)


def test_born_on_february_29_reaches_an_age_on_february_28_in_a_common_year() -> None:
    birth = date(2008, 2, 29)
    assert lawdates.reached_on(birth, 17) == date(2025, 2, 28)
    assert lawdates.age(date(2008, 2, 29), date(2025, 2, 27)) == 16
    assert lawdates.age(date(2008, 2, 29), date(2025, 2, 28)) == 17


def test_born_on_february_29_reaches_an_age_on_february_28_in_a_leap_year_too() -> None:
    birth = date(2008, 2, 29)
    assert lawdates.reached_on(birth, 16) == date(2024, 2, 28)
    assert lawdates.age(birth, date(2024, 2, 27)) == 15
    assert lawdates.age(birth, date(2024, 2, 28)) == 16


def test_born_on_march_1_reaches_an_age_on_february_29_in_a_leap_year() -> None:
    assert lawdates.reached_on(date(2008, 3, 1), 16) == date(2024, 2, 29)
    assert lawdates.reached_on(date(2008, 3, 1), 17) == date(2025, 2, 28)


def test_late_elderly_insurance_starts_on_the_75th_birthday_itself() -> None:
    birth = date(1950, 6, 15)
    assert lawdates.reached(birth, date(2025, 6, 14), 75)
    assert not lawdates.late_elderly_age(birth, date(2025, 6, 14))
    assert lawdates.late_elderly_age(birth, date(2025, 6, 15))


def test_late_elderly_insurance_of_a_february_29_birth_starts_on_march_1_in_a_common_year() -> None:
    birth = date(1948, 2, 29)
    assert not lawdates.late_elderly_age(birth, date(2023, 2, 28))
    assert lawdates.late_elderly_age(birth, date(2023, 3, 1))


def test_a_child_born_on_april_1_starts_school_a_year_before_one_born_on_april_2() -> None:
    first_day = date(2025, 4, 1)
    assert lawdates.compulsory_school_age(date(2019, 4, 1), first_day)
    assert not lawdates.compulsory_school_age(date(2019, 4, 2), first_day)
    assert lawdates.compulsory_school_age(date(2019, 4, 2), date(2026, 4, 1))
    assert not lawdates.compulsory_school_age(date(2019, 4, 1), date(2025, 3, 31))


def test_compulsory_school_age_ends_with_the_school_year_in_which_the_child_reaches_15() -> None:
    # born April 1, 2010: reaches 15 on March 31, 2025, the last day of that school year
    assert lawdates.compulsory_school_age(date(2010, 4, 1), date(2025, 3, 31))
    assert not lawdates.compulsory_school_age(date(2010, 4, 1), date(2025, 4, 1))
    # born April 2, 2010: reaches 15 on April 1, 2025, so stays until March 31, 2026
    assert lawdates.compulsory_school_age(date(2010, 4, 2), date(2026, 3, 31))
    assert not lawdates.compulsory_school_age(date(2010, 4, 2), date(2026, 4, 1))


def test_child_allowance_covers_until_the_first_march_31_after_reaching_18() -> None:
    # born April 2, 2007: reaches 18 on April 1, 2025, covered until March 31, 2026
    assert lawdates.child_allowance_age(date(2007, 4, 2), date(2026, 3, 31))
    assert not lawdates.child_allowance_age(date(2007, 4, 2), date(2026, 4, 1))
    # born April 1, 2007: reaches 18 on March 31, 2025, which is that first March 31
    assert lawdates.child_allowance_age(date(2007, 4, 1), date(2025, 3, 31))
    assert not lawdates.child_allowance_age(date(2007, 4, 1), date(2025, 4, 1))


def test_child_allowance_covers_a_child_from_the_day_of_birth() -> None:
    assert lawdates.child_allowance_age(date(2025, 5, 10), date(2025, 5, 10))
    assert not lawdates.child_allowance_age(date(2025, 5, 11), date(2025, 5, 10))


def test_pension_months_count_from_the_month_of_joining_to_the_month_before_the_loss() -> None:
    # joined 2022-04-20; lost on the day after the event date
    assert lawdates.pension_months(date(2022, 4, 20), date(2025, 3, 30)) == 35
    assert lawdates.pension_months(date(2022, 4, 20), date(2025, 3, 31)) == 36
    assert lawdates.pension_months(date(2025, 5, 1), date(2025, 4, 30)) == 0


BIRTHS = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))
DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))


@settings(max_examples=300, deadline=None)
@given(birth=BIRTHS, on=DAYS, years=st.integers(min_value=0, max_value=110))
def test_the_age_bound_holds_exactly_for_those_who_reached_the_age(birth: date, on: date, years: int) -> None:
    assert lawdates.reached(birth, on, years) == (birth <= lawdates.reached_bound(on, years))
    assert (lawdates.age(birth, on) >= years) == lawdates.reached(birth, on, years)


@pytest.mark.parametrize("on", [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1), date(2025, 2, 28),
                                date(2025, 3, 1), date(2025, 3, 31), date(2025, 4, 1), date(2025, 4, 2),
                                date(2025, 12, 31), date(2026, 1, 1)])
def test_every_date_bound_matches_its_rule_on_each_birth_date_around_the_edges(on: date) -> None:
    school_first, school_last = lawdates.compulsory_school_bounds(on)
    allowance_first, allowance_last = lawdates.child_allowance_bounds(on)
    late_last = lawdates.late_elderly_bound(on)
    for back in range(0, 80 * 366):  # every birth date of the last 80 years
        birth = on - back * DAY
        assert lawdates.compulsory_school_age(birth, on) == (school_first <= birth <= school_last)
        assert lawdates.child_allowance_age(birth, on) == (allowance_first <= birth <= allowance_last)
        assert lawdates.late_elderly_age(birth, on) == (birth <= late_last)
    for ahead in range(1, 40):  # and some not born yet
        birth = on + ahead * DAY
        assert not lawdates.child_allowance_age(birth, on)
        assert (allowance_first <= birth <= allowance_last) is False


@settings(max_examples=200, deadline=None)
@given(since=st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)), on=DAYS,
       months=st.integers(min_value=1, max_value=480))
def test_the_pension_months_bound_holds_exactly_for_enough_months(since: date, on: date, months: int) -> None:
    enough = lawdates.pension_months(since, on) >= months
    assert enough == (since <= lawdates.pension_months_bound(on, months))
