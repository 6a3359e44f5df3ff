"""The questions page of a life event: only what the hub cannot answer, with the defaults the household makes obvious.

A question is asked when it matters for this household with the other
answers as they are: it has no ``asked_when`` rule, or its rule holds. One
whose rule waits for another answer of the same page (the date of a funeral,
until the resident says one was held) is held back, and the page comes back
with it only if the answers make it matter; a question left unanswered that
the other answers made moot (its rule no longer holds) is no error. A question the household makes obvious
(``answer_defaults``) is answered in advance and shown apart with its reason,
to confirm or change; the others are asked. A person question offers the
household's members — by 続柄 and age, which the navigator's read brings
(names are not part of it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from pydantic import JsonValue
from starlette.datastructures import FormData

from madoguchi.catalog.models import Catalog, Event, Question
from madoguchi.guidance.language import Lang, say
from madoguchi.guidance.navigator import income_tables
from madoguchi.guidance.situation import Situation
from madoguchi.rules import Outcome, evaluate
from madoguchi.rules.lawdates import age
from madoguchi.web.answer_defaults import Default, default_answers
from madoguchi.web.i18n import N_

ASKED_HERE = frozenset({"person", "persons", "bool", "enum", "date", "text"})
"""The question types this page asks; a move-in's ``movers`` (people not in the hub) are asked at the counter."""
NONE, ELSEWHERE = "none", "elsewhere"
"""A person question's choices besides the members: nobody (``allow_empty``), someone from elsewhere."""
EXTERNAL_PARTS = ("family_name", "given_name", "birth_date")
REQUIRED = N_("Please answer this question.")


@dataclass(frozen=True)
class Member:
    atena: str
    relationship: str
    """The register's 続柄 (世帯主, 妻, 子 …), shown as the register writes it."""
    age: int | None
    is_applicant: bool


@dataclass(frozen=True)
class Asked:
    """One question as the page shows it, with the answer it holds now."""

    id: str
    type: str
    label: str
    help: str | None
    options: list[tuple[str, str]]
    allow_empty: bool
    allow_external: bool
    answer: JsonValue
    default: Default | None
    error: str | None = None


@dataclass(frozen=True)
class QuestionPage:
    event: Event
    event_name: str
    date_label: str
    max_date: str
    event_date: str
    members: list[Member]
    open: list[Asked]
    """Asked: nothing in the household answers them."""
    defaulted: list[Asked]
    """Answered in advance from the household, to confirm."""
    date_error: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


def asked_online(event: Event) -> bool:
    """Whether this page can ask the event's questions (a move-in's people are not in the hub yet)."""
    return all(q.type in ASKED_HERE for q in event.questions)


def question_page(catalog: Catalog, situation: Situation, *, today: date, lang: Lang,
                  given: Mapping[str, JsonValue] | None = None, event_date: str = "",
                  errors: Mapping[str, str] | None = None, date_error: str | None = None) -> QuestionPage:
    """The page for ``situation``'s household: with the defaults, or with the answers ``given`` (to fix them)."""
    event, household = situation.event, situation.household
    defaults = default_answers(event, household)
    answers: dict[str, JsonValue] = ({key: d.value for key, d in defaults.items()} if given is None
                                     else dict(given))
    errors = dict(errors or {})
    shown = [q for q in event.questions if q.id in errors or _matters(catalog, situation, q, answers)]
    asked = [_asked(q, answers.get(q.id), defaults.get(q.id), errors.get(q.id), lang) for q in shown]
    confirmed = [a for a in asked if a.default is not None and a.answer == a.default.value and a.error is None]
    return QuestionPage(
        event=event, event_name=say(event.name, lang), date_label=say(event.date.meaning, lang),
        max_date=(today + timedelta(days=event.date.future_days)).isoformat(), event_date=event_date,
        members=[Member(m.atena, m.relationship, age(m.birth_date, today) if m.birth_date else None,
                        m.is_applicant) for m in household.members],
        open=[a for a in asked if a not in confirmed], defaulted=confirmed, date_error=date_error,
        errors=errors)


def answers_from_form(event: Event, form: FormData) -> tuple[dict[str, JsonValue], dict[str, str]]:
    """The answers of the questions the form asked (``q.<id>`` fields), and the ones it left unanswered."""
    answers: dict[str, JsonValue] = {}
    missing: dict[str, str] = {}
    for question in event.questions:
        name = f"q.{question.id}"
        if question.type == "persons":
            chosen = [str(v) for v in form.getlist(name) if str(v)]
            if chosen:
                answers[question.id] = list[JsonValue](chosen)
            elif f"{name}.asked" in form:
                missing[question.id] = REQUIRED
            continue
        raw = form.get(name)
        if raw is None:
            if f"{name}.asked" in form:
                missing[question.id] = REQUIRED
            continue
        value = _answer(question, str(raw).strip(), form)
        if value is None:
            missing[question.id] = REQUIRED
        else:
            answers[question.id] = value
    return answers, missing


def still_asked(catalog: Catalog, situation: Situation, missing: Mapping[str, str],
                answers: Mapping[str, JsonValue]) -> dict[str, str]:
    """The unanswered questions (and their messages) less those the answers given made moot."""
    return {key: message for key, message in missing.items()
            if (question := situation.event.question(key)) is None
            or _asked_when(catalog, situation, question, answers) is not False}


def _answer(question: Question, raw: str, form: FormData) -> JsonValue:
    """One answer as the navigator takes it; None when not given."""
    if question.type == "bool":
        return {"true": True, "false": False}.get(raw)
    if question.type == "person" and raw == NONE and question.allow_empty:
        return ""
    if question.type == "person" and raw == ELSEWHERE and question.allow_external:
        parts = {part: str(form.get(f"q.{question.id}.{part}") or "").strip() for part in EXTERNAL_PARTS}
        return dict[str, JsonValue](parts) if all(parts.values()) else None
    return raw or None


def _matters(catalog: Catalog, situation: Situation, question: Question, answers: Mapping[str, JsonValue]) -> bool:
    """Whether its ``asked_when`` holds with the other answers as they are (not: cannot tell yet)."""
    return _asked_when(catalog, situation, question, answers) is True


def _asked_when(catalog: Catalog, situation: Situation, question: Question,
                answers: Mapping[str, JsonValue]) -> Outcome:
    """Its ``asked_when`` with the other answers as they are: True, False, or what it still needs."""
    if question.asked_when is None:
        return True
    others = {key: value for key, value in answers.items() if key != question.id}
    return evaluate(question.asked_when, situation.household, answers=others, income_tables=income_tables(catalog))


def _asked(question: Question, answer: JsonValue, default: Default | None, error: str | None,
           lang: Lang) -> Asked:
    return Asked(question.id, question.type, say(question.label, lang),
                 say(question.help, lang) if question.help else None,
                 [(o.value, say(o.label, lang)) for o in question.options], question.allow_empty,
                 question.allow_external, answer, default, error)
