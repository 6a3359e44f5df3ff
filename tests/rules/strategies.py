"""Hypothesis strategies for cities whose people sit on the edges of the date law."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from hypothesis import strategies as st

from madoguchi.rules import lawdates

from .factories import Allowance, City, Member, Period

DAY = timedelta(days=1)
EVENT_DATES = [date(2025, 4, 1), date(2025, 3, 31), date(2025, 4, 2), date(2024, 2, 28), date(2024, 2, 29),
               date(2024, 3, 1), date(2025, 2, 28), date(2025, 3, 1), date(2025, 6, 30), date(2026, 1, 5)]
AGES = (0, 1, 5, 6, 7, 14, 15, 16, 17, 18, 19, 20, 39, 40, 59, 60, 64, 65, 74, 75, 76, 90)
RELATIONSHIPS = ("妻", "夫", "子", "子", "子の妻", "子の夫", "父", "母", "孫", "妻(未届)", "同居人")
INCOMES = (0, 1_000_000, 2_079_999, 2_080_000, 2_460_000, 2_900_000, 6_000_000)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # February 29 in a common year
        return date(day.year - years, 2, 28)


@st.composite
def birth_dates(draw: st.DrawFn, on: date) -> date | None:
    kind = draw(st.sampled_from(["birthday"] * 4 + ["school"] * 2 + ["leap", "any", "unknown"]))
    if kind == "unknown":
        return None
    if kind == "birthday":  # around the day an age is reached
        shift = draw(st.integers(min_value=-2, max_value=2))
        return _years_before(on, draw(st.sampled_from(AGES))) + shift * DAY
    if kind == "school":  # April 1 and 2 of the years that start and end school
        year = lawdates.school_year(on) - draw(st.sampled_from((0, 5, 6, 7, 14, 15, 17, 18, 19)))
        return date(year, 4, draw(st.sampled_from((1, 2))))
    if kind == "leap":
        year = draw(st.sampled_from([y for y in range(on.year - 90, on.year) if calendar.isleap(y)]))
        return date(year, 2, 29)
    return draw(st.dates(min_value=on - 95 * 365 * DAY, max_value=on))


def periods(on: date) -> st.SearchStrategy[Period]:
    """Acquired and lost around the event date (lost on D means not insured on D)."""
    starts = st.sampled_from((on - 2000 * DAY, on - DAY, on, on + DAY))
    ends = st.sampled_from((None, None, on - DAY, on, on + DAY))
    return st.tuples(starts, ends)


def _month_edges(on: date) -> list[date]:
    edges = [on + DAY]
    for months in (0, 1, 35, 36, 37, 60):
        first = lawdates.pension_months_bound(on, months) + DAY if months else date(on.year, on.month, 1)
        edges += [first - DAY, first]
    return edges


@st.composite
def members(draw: st.DrawFn, on: date, *, head: bool) -> Member:
    maybe = st.booleans()
    return Member(
        relationship="世帯主" if head else draw(st.sampled_from(RELATIONSHIPS)),
        birth_date=draw(birth_dates(on)),
        sex=draw(st.sampled_from(("1", "2"))),
        status=draw(st.sampled_from(("1",) * 6 + ("2",))),
        support_measure=draw(st.sampled_from((False,) * 7 + (True,))),
        resident_kind=draw(st.sampled_from(("1", "1", "2"))),
        nhi=draw(periods(on)) if draw(maybe) else None,
        late_elderly=draw(periods(on)) if draw(st.sampled_from((False, False, True))) else None,
        ltc=(draw(st.sampled_from((None, "", "要支援1", "要介護3"))),
             draw(st.sampled_from((None, on - DAY, on, on + DAY)))) if draw(maybe) else None,
        pension=(draw(st.sampled_from("123")), draw(st.sampled_from((None, *_month_edges(on)))))
        if draw(maybe) else None,
        tax=tuple((year, draw(st.sampled_from(INCOMES)), draw(st.integers(0, 7)), draw(maybe))
                  for year in sorted(draw(st.sets(st.sampled_from((2022, 2023, 2024)), max_size=2)))),
        old_versions=draw(st.sampled_from((False, False, True))),
    )


@st.composite
def cities(draw: st.DrawFn) -> tuple[City, date]:
    on = draw(st.sampled_from(EVENT_DATES) | st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)))
    households = [[draw(members(on, head=True))]
                  + draw(st.lists(members(on, head=False), min_size=0, max_size=3))
                  for _ in range(draw(st.integers(min_value=1, max_value=3)))]
    size = sum(len(h) for h in households)
    allowances = draw(st.lists(st.builds(Allowance, st.integers(0, size - 1), st.integers(0, size - 1),
                                         periods(on)),
                                max_size=3, unique_by=lambda a: (a.recipient, a.child)))
    return City(households, allowances), on
