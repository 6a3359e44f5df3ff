"""Deadline dates, counted as Japanese law counts periods.

* 戸籍法43条 (``koseki``): the period is counted from the day of the event
  itself — 出生届 "within 14 days" of a birth on D ends on D+13.
* 民法140条 (``civil``): the first day is not counted, the period starts the
  next day — 転入届 within 14 days of a move on D ends on D+14.
* 民法143条: a period of weeks, months or years ends on the day before the
  day of the last week, month or year that corresponds to the day counting
  started; when the last month has no such day, on that month's last day
  (from January 31, one month ends on the last day of February).
* 民法142条 and 地方自治法4条の2: a deadline on a day the office is closed
  moves to the next open day.

``promptly`` (速やかに), ``none`` and ``with`` another procedure have no date.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from madoguchi.catalog.errors import DeadlineNeedsAnswer
from madoguchi.catalog.models import Catalog, Counting, Deadline, Entry, OfficeCalendar

ONE_DAY = timedelta(days=1)


def period_end(start: date, period: str, counting: Counting) -> date:
    """The last day of ``period`` (``P14D``, ``P2W``, ``P1M``, ``P2Y``) from ``start``.

    No move for closed days: see ``due_date``.
    """
    first_day = start if counting == "koseki" else start + ONE_DAY
    amount, unit = int(period[1:-1]), period[-1]
    if unit in "DW":
        return first_day + timedelta(days=amount * (7 if unit == "W" else 1)) - ONE_DAY
    months = amount * (12 if unit == "Y" else 1)
    year, month0 = divmod(first_day.month - 1 + months, 12)
    year += first_day.year
    last_of_month = calendar.monthrange(year, month0 + 1)[1]
    if first_day.day > last_of_month:
        return date(year, month0 + 1, last_of_month)
    return date(year, month0 + 1, first_day.day) - ONE_DAY


def due_date(deadline: Deadline, *, counting: Counting, event_date: date,
             answers: Mapping[str, Any], office: OfficeCalendar) -> date | None:
    """The day an application is due, moved past closed days; None when the deadline has no date.

    A period counted from an answer (``answers.funeral_date``) reads that answer
    as an ISO date; raises DeadlineNeedsAnswer when it is not given.
    """
    if deadline.kind != "period" or deadline.period is None:
        return None
    start = event_date
    question = deadline.start_question
    if question is not None:
        given = answers.get(question)
        if not given:
            raise DeadlineNeedsAnswer(question)
        start = given if isinstance(given, date) else date.fromisoformat(str(given))
    start += timedelta(days=deadline.offset_days)
    return office.next_open_day(period_end(start, deadline.period, counting))


def entry_due_date(catalog: Catalog, entry: Entry, *, event_date: date,
                   answers: Mapping[str, Any]) -> date | None:
    """``due_date`` of a life event's entry, in its procedure's counting mode and the city's calendar."""
    return due_date(entry.deadline, counting=catalog.procedure(entry.procedure).deadline_counting,
                    event_date=event_date, answers=answers, office=catalog.calendar)
