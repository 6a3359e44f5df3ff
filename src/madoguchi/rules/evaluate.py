"""Run a rule for one household and one subject: the navigator's question.

The outcome is ``True``, ``False``, `NeedsAnswers` when the rule read answers
that are not given and could not decide without them, or `NeedsStaffCheck`
when it asked the age of a person whose birth date is unknown. A name whose
answer is the empty string (the mother is not in the household) names nobody:
a rule that reads it does not apply unless ``&&``/``||`` decide without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from madoguchi.rules.compiler import compile_rule
from madoguchi.rules.facts import HouseholdFacts, Person
from madoguchi.rules.outcome import NeedsAnswers, NeedsStaffCheck, Outcome
from madoguchi.rules.program import Scope, Unknown, Value
from madoguchi.rules.subjects import answered_member
from madoguchi.rules.tables import IncomeTable
from madoguchi.rules.vocabulary import APPLICANT, SUBJECT

_NO_APPLICANT = Unknown(frozenset({("nobody", APPLICANT)}))
_NO_TABLES: Mapping[str, IncomeTable] = {}


def evaluate(rule: str, household: HouseholdFacts, *, subject: Person | None = None,
             answers: Mapping[str, Any] | None = None,
             income_tables: Mapping[str, IncomeTable] | None = None) -> Outcome:
    """Whether ``rule`` applies to ``subject`` in ``household`` with these answers.

    Raises RuleNotCompilable for a rule outside the language (or reading a table
    not in ``income_tables``), AnswerInvalid naming the question when an answer
    it reads has the wrong type or names no member of the household, and
    ValueError when the rule reads ``subject`` and none is given.
    """
    compiled = compile_rule(rule)
    given = answers or {}
    tables = income_tables or _NO_TABLES
    if compiled.tree.tables:
        compiled.check_tables(tables)
    persons: dict[str, Person | Unknown] = {
        APPLICANT: household.applicant if household.applicant is not None else _NO_APPLICANT}
    if compiled.tree.reads_subject:
        if subject is None:
            raise ValueError(f"the rule reads `subject` and none is given: {rule!r}")
        persons[SUBJECT] = subject
    for name in compiled.tree.persons:
        persons[name] = _named(household, name, given)
    scope = Scope(household.on, persons, household.members, compiled.answer_values(given), tables)
    return _outcome(compiled.program(scope))


def _named(household: HouseholdFacts, name: str, answers: Mapping[str, Any]) -> Person | Unknown:
    if name not in answers:
        return Unknown(frozenset({("answer", name)}))
    member = answered_member(household, name, answers[name])
    return member if member is not None else Unknown(frozenset({("nobody", name)}))


def _outcome(value: Value) -> Outcome:
    if not isinstance(value, Unknown):
        return bool(value)
    questions = sorted(key for cause, key in value.causes if cause == "answer")
    if questions:
        return NeedsAnswers(tuple(questions))
    persons = sorted(key for cause, key in value.causes if cause == "birth_date")
    if persons:
        return NeedsStaffCheck(tuple(persons))
    return False
