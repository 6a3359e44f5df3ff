"""Deadlines are counted as Japanese law counts periods, and move past the days the office is closed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from madoguchi.catalog.deadline import due_date, entry_due_date, period_end
from madoguchi.catalog.errors import DeadlineNeedsAnswer
from madoguchi.catalog.models import Catalog, Counting, Deadline, OfficeCalendar

OFFICE = OfficeCalendar(closed_weekdays=frozenset({"saturday", "sunday"}), national_holidays_closed=True,
                        closed_every_year=frozenset({"12-29", "12-30", "12-31", "01-01", "01-02", "01-03"}),
                        closed_dates=frozenset())
NEVER_CLOSED = OfficeCalendar(closed_weekdays=frozenset(), national_holidays_closed=False,
                              closed_every_year=frozenset(), closed_dates=frozenset())


def due(period: str, on: date, counting: Counting = "civil", office: OfficeCalendar = OFFICE) -> date | None:
    return due_date(Deadline.model_validate({"period": period}), counting=counting,
                    event_date=on, answers={}, office=office)


def test_a_birth_registration_counts_the_day_of_birth_as_day_one() -> None:
    assert due("P14D", date(2025, 4, 1), "koseki") == date(2025, 4, 14)


def test_a_move_in_does_not_count_the_day_of_the_move() -> None:
    assert due("P14D", date(2025, 4, 1)) == date(2025, 4, 15)


def test_the_child_allowance_fifteen_day_rule_ends_fifteen_days_after_the_event() -> None:
    assert due("P15D", date(2025, 4, 1)) == date(2025, 4, 16)


@pytest.mark.parametrize(("start", "end"), [(date(2025, 1, 31), date(2025, 2, 28)),
                                            (date(2024, 1, 31), date(2024, 2, 29))])
def test_a_month_from_the_thirty_first_ends_on_the_last_day_of_a_shorter_month(start: date, end: date) -> None:
    assert period_end(start, "P1M", "civil") == end


def test_a_month_counted_from_the_day_itself_ends_the_day_before_the_same_date() -> None:
    assert period_end(date(2025, 3, 1), "P1M", "koseki") == date(2025, 3, 31)
    assert period_end(date(2025, 1, 31), "P1M", "koseki") == date(2025, 2, 28)


def test_years_from_february_29_end_on_february_28_of_a_common_year() -> None:
    assert period_end(date(2024, 2, 29), "P1Y", "civil") == date(2025, 2, 28)
    assert period_end(date(2024, 2, 29), "P4Y", "civil") == date(2028, 2, 29)


@pytest.mark.parametrize(("event", "closed", "open_day"), [
    (date(2025, 3, 22), date(2025, 4, 5), date(2025, 4, 7)),      # Saturday
    (date(2025, 3, 23), date(2025, 4, 6), date(2025, 4, 7)),      # Sunday
    (date(2025, 4, 15), date(2025, 4, 29), date(2025, 4, 30)),    # 昭和の日
    (date(2025, 12, 17), date(2025, 12, 31), date(2026, 1, 5)),   # 年末年始, then a weekend
])
def test_a_deadline_on_a_closed_day_moves_to_the_next_open_day(event: date, closed: date, open_day: date) -> None:
    assert period_end(event, "P14D", "civil") == closed
    assert due("P14D", event) == open_day


def test_two_years_ending_on_a_saturday_move_to_monday() -> None:
    assert due("P2Y", date(2024, 2, 29)) == date(2026, 3, 2)


def test_the_citys_own_closed_days_count_as_closed() -> None:
    office = OFFICE.model_copy(update={"closed_dates": frozenset({date(2025, 4, 15)})})
    assert due("P14D", date(2025, 4, 1), office=office) == date(2025, 4, 16)


@pytest.mark.parametrize("kind", ["promptly", "none"])
def test_promptly_and_none_have_no_date(kind: str) -> None:
    deadline = Deadline.model_validate(kind)
    assert due_date(deadline, counting="civil", event_date=date(2025, 4, 1), answers={}, office=OFFICE) is None


def test_a_deadline_with_another_procedure_has_no_date_of_its_own() -> None:
    deadline = Deadline.model_validate({"with": "death-registration"})
    assert deadline.with_procedure == "death-registration"
    assert due_date(deadline, counting="koseki", event_date=date(2025, 4, 1), answers={}, office=OFFICE) is None


def test_a_deadline_counted_from_an_answer_starts_there() -> None:
    deadline = Deadline.model_validate({"period": "P2Y", "from": "answers.funeral_date"})
    assert due_date(deadline, counting="civil", event_date=date(2025, 4, 1),
                    answers={"funeral_date": "2025-04-07"}, office=OFFICE) == date(2027, 4, 7)


def test_a_deadline_counted_from_an_unanswered_question_says_which_answer_it_needs() -> None:
    deadline = Deadline.model_validate({"period": "P2Y", "from": "answers.funeral_date"})
    with pytest.raises(DeadlineNeedsAnswer) as needs:
        due_date(deadline, counting="civil", event_date=date(2025, 4, 1), answers={}, office=OFFICE)
    assert needs.value.question == "funeral_date"


def test_an_offset_moves_the_start_to_the_day_after_leaving_a_job() -> None:
    deadline = Deadline.model_validate({"period": "P14D", "offset_days": 1})
    assert due_date(deadline, counting="civil", event_date=date(2025, 3, 31), answers={},
                    office=OFFICE) == date(2025, 4, 15)


def test_the_shipped_catalog_gives_each_entry_its_procedures_counting(shipped: Catalog) -> None:
    birth, move_in = date(2025, 4, 1), date(2025, 4, 1)
    registration = shipped.event("birth").entries_for("birth-registration")[0]
    allowance = shipped.event("birth").entries_for("child-allowance-claim")[0]
    notification = shipped.event("move-in").entries_for("move-in-notification")[0]
    assert entry_due_date(shipped, registration, event_date=birth, answers={}) == date(2025, 4, 14)
    assert entry_due_date(shipped, allowance, event_date=birth, answers={}) == date(2025, 4, 16)
    assert entry_due_date(shipped, notification, event_date=move_in, answers={}) == date(2025, 4, 15)


def test_the_shipped_funeral_grant_runs_two_years_from_the_day_after_the_funeral(shipped: Catalog) -> None:
    grant = shipped.event("death").entries_for("funeral-expenses")[0]
    assert entry_due_date(shipped, grant, event_date=date(2025, 4, 1),
                          answers={"funeral_date": "2025-04-04"}) == date(2027, 4, 5)  # 2027-04-04 is a Sunday


def test_the_shipped_calendar_closes_the_new_year_holidays(shipped: Catalog) -> None:
    assert shipped.calendar.next_open_day(date(2025, 12, 29)) == date(2026, 1, 5)


@settings(max_examples=60, deadline=None)
@given(start=st.dates(date(2000, 1, 1), date(2099, 12, 31)), days=st.integers(1, 400))
def test_counting_the_first_day_ends_one_day_earlier_than_not_counting_it(start: date, days: int) -> None:
    civil = period_end(start, f"P{days}D", "civil")
    assert civil == start + timedelta(days=days)
    assert period_end(start, f"P{days}D", "koseki") == civil - timedelta(days=1)


@settings(max_examples=60, deadline=None)
@given(start=st.dates(date(2000, 1, 1), date(2099, 12, 31)), months=st.integers(1, 36))
def test_a_period_of_months_ends_in_the_month_as_many_months_later(start: date, months: int) -> None:
    end = period_end(start, f"P{months}M", "civil")
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    if start.day <= 27:  # every month has the day after: the period ends on the same day number
        assert end.day == start.day


@settings(max_examples=60, deadline=None)
@given(day=st.dates(date(2000, 1, 1), date(2099, 12, 31)))
def test_the_next_open_day_is_open_and_nothing_before_it_is(day: date) -> None:
    found = OFFICE.next_open_day(day)
    assert not OFFICE.is_closed(found)
    assert all(OFFICE.is_closed(day + timedelta(days=i)) for i in range((found - day).days))
    assert NEVER_CLOSED.next_open_day(day) == day
