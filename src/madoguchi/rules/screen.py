"""Screening the population: every resident for whom a rule would apply as the applicant.

`screen_query` compiles one entry's rule with every resident of status 1 as
a candidate applicant, inside one SQL statement. Answers given are constants.
A person an unanswered question would name (``deceased``, ``mother``, …) and
a subject whose selector's answer is not given range over the applicant's
household (``EXISTS``): the applicant is screened in when some choice of
members makes the rule true. An answer naming persons by 宛名番号 keeps the
households that hold them. A move-in cannot be screened: its people are not
in the hub.

`screen_household` states the same decision in Python for one household; the
property test holds the two to each other, and the benchmark times both.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, false, func, select
from sqlalchemy.orm import Session

from madoguchi.registry.models import JukiRecord
from madoguchi.rules.compiler import CompiledRule, compile_rule
from madoguchi.rules.errors import AnswerInvalid, NotAMember, RuleNotScreenable
from madoguchi.rules.evaluate import evaluate
from madoguchi.rules.facts import HouseholdFacts, newborn
from madoguchi.rules.outcome import NeedsAnswers
from madoguchi.rules.sql import (
    NOBODY,
    FixedPerson,
    HubPerson,
    PersonSource,
    SqlScope,
    household_select,
    resident,
)
from madoguchi.rules.subjects import LISTED, SELECTORS, answered_person, select_subjects
from madoguchi.rules.tables import IncomeTable
from madoguchi.rules.vocabulary import ANSWER_PERSONS, APPLICANT, SUBJECT

Condition = Callable[[SqlScope], ColumnElement[bool]]


def screen(session: Session, rule: str, *, event_date: date,
           answers: Mapping[str, Any] | None = None, subjects_selector: str = "applicant",
           income_tables: Mapping[str, IncomeTable] | None = None) -> list[str]:
    """The 宛名番号 of every resident for whom ``rule`` applies as the applicant, ascending."""
    query = screen_query(rule, event_date=event_date, answers=answers,
                         subjects_selector=subjects_selector, income_tables=income_tables)
    return list(session.scalars(query))


def screen_query(rule: str, *, event_date: date, answers: Mapping[str, Any] | None = None,
                 subjects_selector: str = "applicant",
                 income_tables: Mapping[str, IncomeTable] | None = None) -> Select[tuple[str]]:
    """The SELECT of the 宛名番号 `screen` returns.

    Raises RuleNotCompilable, AnswerInvalid on an answer of the wrong type, and
    RuleNotScreenable for the movers of a move-in.
    """
    if subjects_selector not in SELECTORS:
        raise ValueError(f"unknown subjects selector {subjects_selector!r}")
    compiled = compile_rule(rule)
    given = dict(answers or {})
    tables = income_tables or {}
    compiled.check_tables(tables)
    applicant = HubPerson(JukiRecord.__table__.alias("applicant"))
    scope = SqlScope(event_date, applicant, {APPLICANT: applicant},
                     compiled.answer_values(given), compiled.tree.answers, tables)
    subject = _subject_condition(compiled, subjects_selector, given)
    condition = _with_persons(_named(compiled, subjects_selector), given, subject)(scope)
    atena = applicant.row.c.atena_number
    return (select(atena).select_from(applicant.from_clause()).where(resident(applicant.row), condition)
            .order_by(atena))


def screen_household(rule: str, household: HouseholdFacts, *, subjects_selector: str = "applicant",
                     answers: Mapping[str, Any] | None = None,
                     income_tables: Mapping[str, IncomeTable] | None = None) -> bool:
    """Whether `screen` would list this household's applicant, decided in Python."""
    compiled = compile_rule(rule)
    given = dict(answers or {})
    compiled.answer_values(given)
    open_names = [n for n in _named(compiled, subjects_selector) if n not in given]
    for chosen in itertools.product(household.members, repeat=len(open_names)):
        trial = {**given, **{name: m.atena for name, m in zip(open_names, chosen, strict=True)}}
        try:
            subjects = select_subjects(subjects_selector, household, trial)
            if isinstance(subjects, NeedsAnswers):  # spouse, persons, movers: any member
                subjects = list(household.members)
            if any(evaluate(rule, household, subject=s, answers=trial, income_tables=income_tables)
                   is True for s in subjects):
                return True
        except NotAMember:
            return False
    return False


def _named(compiled: CompiledRule, selector: str) -> list[str]:
    """The answer-named persons the rule or its selector needs, in a fixed order."""
    names = list(compiled.tree.persons)
    needed = "deceased" if selector == "household_except_deceased" else selector
    if needed in ANSWER_PERSONS and needed not in names:
        names.append(needed)
    return names


def _with_persons(names: Sequence[str], given: Mapping[str, Any], inner: Condition) -> Condition:
    """Bind each name to the member its answer gives, or to every member in turn (EXISTS)."""
    if not names:
        return inner
    name, rest = names[0], names[1:]
    then = _with_persons(rest, given, inner)
    if name not in given:
        return lambda scope: _some_member(scope, name, then)
    value = given[name]
    if not isinstance(value, str):
        raise AnswerInvalid(name, f"expected a 宛名番号, not {value!r}")
    if value == "":
        return lambda scope: then(scope.with_person(name, NOBODY))
    return lambda scope: _some_member(scope, name, then, among=[value])


def _some_member(scope: SqlScope, name: str, then: Condition, *, among: Sequence[str] | None = None,
                 other_than: FromClause | None = None) -> ColumnElement[bool]:
    member = HubPerson(scope.member_alias())
    inner = then(scope.with_person(name, member))
    conditions = [inner]
    if among is not None:
        conditions.append(member.row.c.atena_number.in_(among))
    if other_than is not None:
        conditions.append(member.row.c.atena_number != other_than.c.atena_number)
    return household_select(member, scope).where(*conditions).exists()


def _subject_condition(compiled: CompiledRule, selector: str, given: Mapping[str, Any]) -> Condition:
    """The rule with ``subject`` bound as the selector says (some subject must make it true)."""
    def rule_for(source: PersonSource) -> Condition:
        return lambda scope: compiled.sql(scope.with_person(SUBJECT, source)).expr

    def rule_with_subject(scope: SqlScope) -> ColumnElement[bool]:
        return compiled.sql(scope).expr

    def any_member(among: Sequence[str] | None = None) -> Condition:
        if among is None and not compiled.tree.reads_subject:
            return rule_with_subject  # the applicant is a member: some subject exists
        return lambda scope: _some_member(scope, SUBJECT, rule_with_subject, among=among)

    if selector == "applicant":
        return lambda scope: rule_for(scope.applicant)(scope)
    if selector == "newborn":
        return lambda scope: rule_for(FixedPerson(newborn(scope.on)))(scope)
    if selector == "household":
        return any_member()
    if selector in ANSWER_PERSONS:
        return lambda scope: _same_as(scope, selector, rule_for)
    if selector == "household_except_deceased":
        return _except_deceased(rule_with_subject)
    if selector not in given:
        return any_member()
    value = given[selector]
    if selector == "spouse":
        if isinstance(value, Mapping):
            return rule_for(FixedPerson(answered_person(selector, "spouse", value)))
        if not isinstance(value, str):
            raise AnswerInvalid(selector, f"expected a 宛名番号 or a person, not {value!r}")
        return any_member([value]) if value else lambda scope: false()
    return _listed(selector, value, any_member)


def _same_as(scope: SqlScope, name: str, rule_for: Callable[[PersonSource], Condition]) -> ColumnElement[bool]:
    source = scope.persons[name]
    return false() if source is NOBODY else rule_for(source)(scope)


def _except_deceased(rule: Condition) -> Condition:
    def condition(scope: SqlScope) -> ColumnElement[bool]:
        deceased = scope.persons["deceased"]
        other = deceased.row if isinstance(deceased, HubPerson) else None
        return _some_member(scope, SUBJECT, rule, other_than=other)
    return condition


def _listed(selector: str, value: Any, any_member: Callable[[Sequence[str] | None], Condition]) -> Condition:
    """Subjects listed by 宛名番号: every one must be a member; the rule must hold for one."""
    if selector not in LISTED or not isinstance(value, Sequence) or isinstance(value, str):
        raise AnswerInvalid(selector, f"expected a list, not {value!r}")
    if any(isinstance(entry, Mapping) for entry in value):
        raise RuleNotScreenable("a move-in's movers are not in the hub yet")
    if not all(isinstance(entry, str) for entry in value):
        raise AnswerInvalid(selector, f"expected a list of 宛名番号, not {value!r}")
    atenas = sorted({entry for entry in value if entry})
    if not atenas:
        return lambda scope: false()
    some = any_member(atenas)

    def condition(scope: SqlScope) -> ColumnElement[bool]:
        member = HubPerson(scope.member_alias())
        listed = (household_select(member, scope, func.count())
                  .where(member.row.c.atena_number.in_(atenas)).scalar_subquery())
        return (listed == len(atenas)) & some(scope)
    return condition
