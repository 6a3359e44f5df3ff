"""A checked rule: the small tree both the Python program and the SQL compiler are made from.

The checker (`rules.checker`) turns cel-python's parse tree into these nodes
once it has seen that every name, field and function is in the vocabulary and
every operand has the right kind; the back ends never meet an unchecked
construct. Ages and pension months only appear compared with a literal, which
is what lets SQL state them as bounds on a date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from madoguchi.rules.vocabulary import Kind

Scalar = bool | int | str


@dataclass(frozen=True, slots=True)
class Literal:
    value: Scalar


@dataclass(frozen=True, slots=True)
class Answer:
    """``answers.<question>``: absent when not given."""

    question: str


@dataclass(frozen=True, slots=True)
class Answered:
    """``has(answers.<question>)``."""

    question: str


@dataclass(frozen=True, slots=True)
class Field:
    person: str
    """A person's name: applicant, subject, an answer-named person or a macro variable."""
    name: str


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


@dataclass(frozen=True, slots=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Or:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Choice:
    condition: Node
    if_true: Node
    if_false: Node


@dataclass(frozen=True, slots=True)
class Compare:
    op: str
    """One of ``== != < <= > >=``."""
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class OneOf:
    """``item in [literal, ...]``."""

    item: Node
    values: frozenset[Scalar]


@dataclass(frozen=True, slots=True)
class Quantifier:
    """``household.exists|all|exists_one(var, body)``."""

    kind: str
    var: str
    body: Node


@dataclass(frozen=True, slots=True)
class Count:
    """``household.size()`` (no body) or ``household.filter(var, body).size()``."""

    var: str | None
    body: Node | None


@dataclass(frozen=True, slots=True)
class AgeCompare:
    """``age(person) <op> years``; ``reached(person, n)`` is ``age(person) >= n``."""

    person: str
    op: str
    years: int


@dataclass(frozen=True, slots=True)
class MonthsCompare:
    """``person.pension_months <op> months``."""

    person: str
    op: str
    months: int


@dataclass(frozen=True, slots=True)
class LawTest:
    """``late_elderly_age(person)``, ``compulsory_school_age(person)``, ``child_allowance_age(person)``."""

    law: str
    person: str


@dataclass(frozen=True, slots=True)
class IncomeLimit:
    table: str
    dependents: Node


Node = (Literal | Answer | Answered | Field | Not | And | Or | Choice | Compare | OneOf
        | Quantifier | Count | AgeCompare | MonthsCompare | LawTest | IncomeLimit)


@dataclass(frozen=True)
class RuleTree:
    text: str
    root: Node
    answers: Mapping[str, Kind | None]
    """Every answer the rule reads, with the type its use requires (None: only tested with has())."""
    persons: tuple[str, ...]
    """The answer-named persons the rule reads (deceased, mother, ...), in order of first use."""
    tables: frozenset[str]
    """The income tables ``income_limit`` reads."""
    reads_subject: bool
