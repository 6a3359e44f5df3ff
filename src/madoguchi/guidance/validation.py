"""Checking the navigator's input before anything is read: the event date and the answers' shapes.

Membership of the persons the answers name is checked once the household is
read (``check_members``); everything else is checked here, so bad input is
refused before the data API logs a read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from pydantic import JsonValue

from madoguchi.catalog.models import Event, MoverField, Question
from madoguchi.guidance.errors import EventDateInvalid, QuestionUnknown
from madoguchi.rules import AnswerInvalid, HouseholdFacts, NotAMember

Answers = Mapping[str, JsonValue]
"""Answers by question id, as JSON gives them (dates as ISO strings)."""

ATENA = re.compile(r"[0-9]{1,16}")
MAX_TEXT = 200
EXTERNAL_PERSON = ("family_name", "given_name", "birth_date")
"""What a person from elsewhere (``allow_external``) is given as."""


def movers_question(event: Event) -> Question | None:
    """The question listing people not yet in the hub: only an event like a move-in has one."""
    return next((q for q in event.questions if q.type == "movers"), None)


def check_event_date(event: Event, event_date: date, *, today: date) -> None:
    """Raises EventDateInvalid when the date is further ahead than the event allows."""
    latest = today + timedelta(days=event.date.future_days)
    if event_date <= latest:
        return
    if event.date.future_days == 0:
        raise EventDateInvalid(f"the date {event_date} is in the future: {event.date.meaning.en.lower()} "
                               f"({event.date.meaning.ja}) is today ({today}) or earlier")
    raise EventDateInvalid(f"the date {event_date} is too far ahead: {event.date.meaning.en.lower()} "
                           f"({event.date.meaning.ja}) may be at most {event.date.future_days} days "
                           f"from today, until {latest}")


def check_answers(event: Event, answers: Answers, *, event_date: date, today: date) -> dict[str, JsonValue]:
    """The answers, each of the type and range its question asks.

    Raises QuestionUnknown for an id the event does not ask, AnswerInvalid naming
    the question for a value of the wrong type or out of range.
    """
    unknown = sorted(set(answers) - {q.id for q in event.questions})
    if unknown:
        raise QuestionUnknown(f"the life event {event.id!r} asks no question "
                              f"{', '.join(repr(u) for u in unknown)}; it asks: "
                              f"{', '.join(q.id for q in event.questions)}")
    for question in event.questions:
        if question.id in answers:
            _check(question, answers[question.id], event_date=event_date, today=today)
    return dict(answers)


def check_members(event: Event, answers: Answers, household: HouseholdFacts) -> None:
    """Raises NotAMember when a person answer names someone who is not a member the applicant may see."""
    for question in event.questions:
        value = answers.get(question.id)
        if question.type == "person":
            named = [value]
        elif question.type == "persons" and isinstance(value, list):
            named = value
        else:
            continue
        for atena in named:
            if isinstance(atena, str) and atena and household.member(atena) is None:
                raise NotAMember(question.id, f"{atena} is not a member of the applicant's household")


def _check(question: Question, value: JsonValue, *, event_date: date, today: date) -> None:
    q = question.id
    if question.type == "person":
        _person(question, value)
    elif question.type == "persons":
        if not isinstance(value, list) or not value:
            raise AnswerInvalid(q, "expected a list of one or more 宛名番号")
        for entry in value:
            _atena(q, entry)
        if len(set(map(str, value))) != len(value):
            raise AnswerInvalid(q, "a person is listed twice")
    elif question.type == "bool":
        if not isinstance(value, bool):
            raise AnswerInvalid(q, f"expected true or false, not {value!r}")
    elif question.type == "enum":
        _option(q, value, [o.value for o in question.options])
    elif question.type == "date":
        if _date(q, value) > today:
            raise AnswerInvalid(q, f"{value} is in the future")
    elif question.type == "text":
        _text(q, value)
    else:
        _movers(question, value, event_date=event_date)


def _person(question: Question, value: JsonValue) -> None:
    if value == "" and question.allow_empty:
        return
    if isinstance(value, dict) and question.allow_external:
        missing = [k for k in EXTERNAL_PERSON if not isinstance(value.get(k), str) or not value.get(k)]
        extra = sorted(set(value) - set(EXTERNAL_PERSON))
        if missing or extra:
            raise AnswerInvalid(question.id, f"a person from elsewhere is given as "
                                             f"{{{', '.join(EXTERNAL_PERSON)}}}"
                                             + (f"; missing {', '.join(missing)}" if missing else "")
                                             + (f"; unknown {', '.join(extra)}" if extra else ""))
        _date(question.id, value["birth_date"])
        return
    _atena(question.id, value)


def _atena(question: str, value: JsonValue) -> None:
    if not isinstance(value, str) or not ATENA.fullmatch(value):
        raise AnswerInvalid(question, f"expected a 宛名番号 (digits), not {value!r}")


def _option(question: str, value: JsonValue, options: list[str]) -> None:
    if value not in options:
        raise AnswerInvalid(question, f"expected one of {', '.join(options)}, not {value!r}")


def _date(question: str, value: JsonValue) -> date:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise AnswerInvalid(question, f"expected a date as YYYY-MM-DD, not {value!r}")


def _text(question: str, value: JsonValue) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise AnswerInvalid(question, f"expected a text of 1 to {MAX_TEXT} characters")


def _movers(question: Question, value: JsonValue, *, event_date: date) -> None:
    q = question.id
    if not isinstance(value, list) or not value:
        raise AnswerInvalid(q, "expected a list of one or more people")
    fields = {f.id: f for f in question.fields}
    for n, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise AnswerInvalid(q, f"entry {n}: expected an object of {', '.join(fields)}")
        unknown = sorted(set(entry) - set(fields))
        if unknown:
            raise AnswerInvalid(q, f"entry {n}: unknown {', '.join(unknown)}; known: {', '.join(fields)}")
        for key, given in entry.items():
            _mover_field(f"{q}[{n}].{key}", fields[key], given, event_date=event_date)


def _mover_field(where: str, field: MoverField, value: JsonValue, *, event_date: date) -> None:
    if field.type == "bool":
        if not isinstance(value, bool):
            raise AnswerInvalid(where, f"expected true or false, not {value!r}")
    elif field.type == "select":
        _option(where, value, [o.value for o in field.options])
    elif field.type == "date":
        if _date(where, value) > event_date:
            raise AnswerInvalid(where, f"{value} is after the event date {event_date}")
    else:
        _text(where, value)
