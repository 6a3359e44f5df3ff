"""Japanese date law as pure functions, and each rule as a bound on the birth date.

Every function takes the birth date and the day it is asked about (the event
date). For the SQL side each predicate also has a ``*_bound(s)`` form: the
birth dates for which it holds on a given day form one interval, computed once
here, so the database compares ``birth_date`` with constants and needs no date
arithmetic. Tests check each bound against its predicate day by day.

* 年齢計算ニ関スル法律 with 民法 143条: a person reaches age N at the end of
  the day before their N-th birthday; someone born on February 29 reaches it on
  February 28 in a common year (the period ends on the last day of the month).
* 高齢者の医療の確保に関する法律: 後期高齢者医療 starts on the 75th birthday
  itself, the day after reaching 75.
* 学校教育法 17条: compulsory school age runs from the first school year
  (April 1 – March 31) beginning after the child reaches 6 to the end of the
  school year in which the child reaches 15.
* 児童手当法 4条 (and the city's 子ども医療費助成): a child is covered until
  the first March 31 on or after reaching 18.
* 国民年金法 11条: membership is counted in months, from the month the
  qualification starts to the month before the one in which it is lost; asked
  "up to the event date", it is lost on the day after.
"""

from __future__ import annotations

from datetime import date, timedelta

ONE_DAY = timedelta(days=1)
LATE_ELDERLY_AGE = 75


def _anniversary(birth: date, years: int) -> date | None:
    """The same month and day ``years`` later, or None for February 29 in a common year."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return None


def reached_on(birth: date, years: int) -> date:
    """The day on which a person born on ``birth`` reaches age ``years``."""
    anniversary = _anniversary(birth, years)
    if anniversary is None:  # born February 29, a common year: the month's last day
        return date(birth.year + years, 2, 28)
    return anniversary - ONE_DAY


def reached(birth: date, on: date, years: int) -> bool:
    return reached_on(birth, years) <= on


def age(birth: date, on: date) -> int:
    """The age on ``on``: the greatest N reached by then."""
    years = on.year - birth.year + 1
    while reached_on(birth, years) > on:
        years -= 1
    return years


def reached_bound(on: date, years: int) -> date:
    """The latest birth date of a person who has reached ``years`` on ``on``.

    ``reached_on`` never decreases as the birth date moves later, so the
    persons who have reached the age are exactly those born on or before this day.
    """
    target = on + ONE_DAY
    latest = _anniversary(target, -years) or date(target.year - years, 2, 28)
    while reached_on(latest + ONE_DAY, years) <= on:
        latest += ONE_DAY
    while reached_on(latest, years) > on:
        latest -= ONE_DAY
    return latest


def late_elderly_age(birth: date, on: date) -> bool:
    """The 75th birthday has come (the day after reaching 75)."""
    return reached_on(birth, LATE_ELDERLY_AGE) < on


def late_elderly_bound(on: date) -> date:
    """The latest birth date of a person whose 75th birthday has come by ``on``."""
    return reached_bound(on - ONE_DAY, LATE_ELDERLY_AGE)


def school_year(on: date) -> int:
    """The school year (April 1 – March 31) holding ``on``, named by the year of its April."""
    return on.year if on.month >= 4 else on.year - 1


def compulsory_school_age(birth: date, on: date) -> bool:
    starts = date(school_year(reached_on(birth, 6)) + 1, 4, 1)
    ends = date(school_year(reached_on(birth, 15)) + 1, 3, 31)
    return starts <= on <= ends


def compulsory_school_bounds(on: date) -> tuple[date, date]:
    """The first and last birth dates of children of compulsory school age on ``on``.

    In school year Y the first grade holds the children born from April 2 of
    Y−7 to April 1 of Y−6, the ninth grade those born from April 2 of Y−15 to
    April 1 of Y−14: a child born on April 1 belongs to the earlier year.
    """
    year = school_year(on)
    return date(year - 15, 4, 2), date(year - 6, 4, 1)


def child_allowance_age(birth: date, on: date) -> bool:
    """Born by ``on`` and not past the first March 31 on or after reaching 18."""
    ends = date(school_year(reached_on(birth, 18)) + 1, 3, 31)
    return birth <= on <= ends


def child_allowance_bounds(on: date) -> tuple[date, date]:
    """The first and last birth dates of children covered on ``on``."""
    return date(school_year(on) - 18, 4, 2), on


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def pension_months(since: date, on: date) -> int:
    """Whole months of membership from ``since`` up to ``on`` (lost on the next day)."""
    return max(0, _month_index(on + ONE_DAY) - _month_index(since))


def pension_months_bound(on: date, months: int) -> date:
    """The latest start date that gives at least ``months`` (≥ 1) months by ``on``."""
    last_month = _month_index(on + ONE_DAY) - months
    year, month = divmod(last_month + 1, 12)
    return date(year, month + 1, 1) - ONE_DAY
