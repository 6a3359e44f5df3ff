"""A checked rule as a Python program: nested closures, built once per rule.

cel-python's own interpreter walks its Lark tree at every evaluation and
takes milliseconds for a one-line rule; a plan evaluates a dozen rules per
subject, so the checked tree is turned into closures once and each evaluation
costs microseconds.

Errors are values, as in CEL: an absent answer, a person whose birth date is
unknown, or an answer-named person who is nobody yield `Unknown`, which
`&&`, `||`, `exists` and `all` absorb when the other operands settle the
result (`false && x` is false) and everything else passes on. This is SQL's
three-valued logic too (`Unknown` is NULL), which is why both sides agree.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from madoguchi.rules import lawdates
from madoguchi.rules import tree as t
from madoguchi.rules.facts import Person
from madoguchi.rules.tables import IncomeTable


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value the rule could not know, and why: ("answer", question), ("birth_date", ref)
    or ("nobody", name)."""

    causes: frozenset[tuple[str, str]]

    def __or__(self, other: Unknown) -> Unknown:
        return Unknown(self.causes | other.causes)


Value = bool | int | str | Unknown


@dataclass(slots=True)
class Scope:
    """What one evaluation reads."""

    on: date
    persons: dict[str, Person | Unknown]
    household: tuple[Person, ...]
    answers: Mapping[str, bool | int | str]
    tables: Mapping[str, IncomeTable]


Program = Callable[[Scope], Value]

COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}
LAWS: dict[str, Callable[[date, date], bool]] = {
    "late_elderly_age": lawdates.late_elderly_age,
    "compulsory_school_age": lawdates.compulsory_school_age,
    "child_allowance_age": lawdates.child_allowance_age,
}


def build(node: t.Node) -> Program:
    match node:
        case t.Literal(value):
            return lambda scope: value
        case t.Answer(question):
            return _answer(question)
        case t.Answered(question):
            return lambda scope: question in scope.answers
        case t.Field(person, name):
            return _field(person, name)
        case t.Not(operand):
            return _not(build(operand))
        case t.And(left, right):
            return _and(build(left), build(right))
        case t.Or(left, right):
            return _or(build(left), build(right))
        case t.Choice(condition, if_true, if_false):
            return _choice(build(condition), build(if_true), build(if_false))
        case t.Compare(op, left, right):
            return _compare(COMPARISONS[op], build(left), build(right))
        case t.OneOf(item, values):
            return _one_of(build(item), values)
        case t.Quantifier(kind, var, body):
            return _QUANTIFIERS[kind](var, build(body))
        case t.Count(var, body):
            return _count(var, None if body is None else build(body))
        case t.AgeCompare(person, op, years):
            return _by_birth(person, _aged(COMPARISONS[op], years))
        case t.LawTest(law, person):
            return _by_birth(person, LAWS[law])
        case t.MonthsCompare(person, op, months):
            return _months(person, COMPARISONS[op], months)
        case t.IncomeLimit(table, dependents):
            return _income_limit(table, build(dependents))
    raise AssertionError(f"unchecked node {node!r}")


def _answer(question: str) -> Program:
    missing = Unknown(frozenset({("answer", question)}))
    return lambda scope: scope.answers.get(question, missing)


def _field(person: str, name: str) -> Program:
    read = operator.attrgetter(name)

    def field(scope: Scope) -> Value:
        who = scope.persons[person]
        return who if isinstance(who, Unknown) else read(who)
    return field


def _not(operand: Program) -> Program:
    def negation(scope: Scope) -> Value:
        value = operand(scope)
        return value if isinstance(value, Unknown) else not value
    return negation


def _and(left: Program, right: Program) -> Program:
    def conjunction(scope: Scope) -> Value:
        a = left(scope)
        if a is False:
            return False
        b = right(scope)
        if b is False:
            return False
        return _either_unknown(a, b) or True
    return conjunction


def _or(left: Program, right: Program) -> Program:
    def disjunction(scope: Scope) -> Value:
        a = left(scope)
        if a is True:
            return True
        b = right(scope)
        if b is True:
            return True
        return _either_unknown(a, b) or False
    return disjunction


def _either_unknown(a: Value, b: Value) -> Unknown | None:
    if isinstance(a, Unknown):
        return a | b if isinstance(b, Unknown) else a
    return b if isinstance(b, Unknown) else None


def _choice(condition: Program, if_true: Program, if_false: Program) -> Program:
    def choice(scope: Scope) -> Value:
        value = condition(scope)
        if isinstance(value, Unknown):
            return value
        return if_true(scope) if value else if_false(scope)
    return choice


def _compare(compare: Callable[[Any, Any], Any], left: Program, right: Program) -> Program:
    def comparison(scope: Scope) -> Value:
        a, b = left(scope), right(scope)
        return _either_unknown(a, b) or compare(a, b)
    return comparison


def _one_of(item: Program, values: frozenset[t.Scalar]) -> Program:
    def membership(scope: Scope) -> Value:
        value = item(scope)
        return value if isinstance(value, Unknown) else value in values
    return membership


def _each(var: str, body: Program, scope: Scope) -> list[Value]:
    """The body's value for every member bound to ``var``."""
    values = []
    for member in scope.household:
        scope.persons[var] = member
        values.append(body(scope))
    scope.persons.pop(var, None)
    return values


def _exists(var: str, body: Program) -> Program:
    def exists(scope: Scope) -> Value:
        values = _each(var, body, scope)
        if True in values:
            return True
        return _unknowns(values) or False
    return exists


def _all(var: str, body: Program) -> Program:
    def every(scope: Scope) -> Value:
        values = _each(var, body, scope)
        if False in values:
            return False
        return _unknowns(values) or True
    return every


def _exists_one(var: str, body: Program) -> Program:
    def exactly_one(scope: Scope) -> Value:
        values = _each(var, body, scope)
        return _unknowns(values) or values.count(True) == 1
    return exactly_one


def _count(var: str | None, body: Program | None) -> Program:
    def count(scope: Scope) -> Value:
        if var is None or body is None:
            return len(scope.household)
        values = _each(var, body, scope)
        return _unknowns(values) or values.count(True)
    return count


def _unknowns(values: list[Value]) -> Unknown | None:
    """Every reason among the values, or None when all are known."""
    unknowns = [v for v in values if isinstance(v, Unknown)]
    if not unknowns:
        return None
    return Unknown(frozenset().union(*(u.causes for u in unknowns)))


_QUANTIFIERS: dict[str, Callable[[str, Program], Program]] = {
    "exists": _exists, "all": _all, "exists_one": _exists_one,
}


def _by_birth(person: str, law: Callable[[date, date], bool]) -> Program:
    def by_birth(scope: Scope) -> Value:
        who = scope.persons[person]
        if isinstance(who, Unknown):
            return who
        if who.birth_date is None:
            return Unknown(frozenset({("birth_date", who.ref)}))
        return law(who.birth_date, scope.on)
    return by_birth


def _aged(compare: Callable[[Any, Any], Any], years: int) -> Callable[[date, date], bool]:
    return lambda birth, on: compare(lawdates.age(birth, on), years)


def _months(person: str, compare: Callable[[Any, Any], Any], months: int) -> Program:
    def by_months(scope: Scope) -> Value:
        who = scope.persons[person]
        return who if isinstance(who, Unknown) else compare(who.pension_months, months)
    return by_months


def _income_limit(table: str, dependents: Program) -> Program:
    def limit(scope: Scope) -> Value:
        value = dependents(scope)
        return value if isinstance(value, Unknown) else scope.tables[table].value(int(value))
    return limit
