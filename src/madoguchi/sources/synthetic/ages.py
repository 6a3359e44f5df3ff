"""Ages and school years the way Japanese law counts them.

A person reaches age N on the day *before* the N-th birthday (年齢計算ニ関スル法律);
the school year runs April 1 – March 31.
"""

from __future__ import annotations

from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def birthday(birth: date, years: int) -> date:
    """The ``years``-th birthday; a February 29 birth has March 1 in common years."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)


def reaches_age_on(birth: date, years: int) -> date:
    """The day the person reaches ``years`` (the day before that birthday)."""
    return birthday(birth, years) - ONE_DAY


def age_on(birth: date, day: date) -> int:
    """The age reached by ``day`` (legal counting)."""
    after = day + ONE_DAY
    return after.year - birth.year - ((after.month, after.day) < (birth.month, birth.day))


def school_year_end(day: date) -> date:
    """The March 31 that ends the school year containing ``day``."""
    return date(day.year if day.month <= 3 else day.year + 1, 3, 31)


def end_of_school_year_reaching(birth: date, years: int) -> date:
    """The end of the school year in which the person reaches ``years``."""
    return school_year_end(reaches_age_on(birth, years))


def latest_fiscal_year(day: date) -> int:
    """The latest 年度 whose 個人住民税 is assessed by ``day`` (assessments go out in June)."""
    return day.year if day.month >= 6 else day.year - 1


def month_end(year: int, month: int) -> date:
    """The last day of a month; months past December roll into later years."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - ONE_DAY
