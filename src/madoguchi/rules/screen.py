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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, false, func, select
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
    visible_member,
)
from madoguchi.rules.subjects import LISTED, SELECTORS, answered_person, select_subjects
from madoguchi.rules.tables import IncomeTable
from madoguchi.rules.vocabulary import ANSWER_PERSONS, APPLICANT, SUBJECT


def screen(session: Session, rule: str, *, event_date: date,
           answers: Mapping[str, Any] | None = None, subjects_selector: str = "applicant",
           income_tables: Mapping[str, IncomeTable] | None = None) -> list[str]:
    """The 宛名番号 of every resident for whom ``rule`` applies as the applicant, ascending.

    The database sends them as one comma-joined string: a city's worth of rows
    one by one costs several times more than the screening itself.
    """
    found = screen_query(rule, event_date=event_date, answers=answers,
                         subjects_selector=subjects_selector, income_tables=income_tables).subquery()
    connection = session.connection()
    with whole_city_settings(connection):
        joined = connection.execute(select(func.aggregate_strings(found.c.atena_number, ","))).scalar_one()
    return sorted(joined.split(",")) if joined else []


WHOLE_CITY_SETTINGS = {"jit": "off", "work_mem": "256MB"}
"""PostgreSQL settings for a screening statement, which reads the whole city at once.

With the default ``work_mem`` a hash of a city's household members (tens of
MB) is split into batches written to disk and read back, once per join. JIT
compilation, with inlining and optimisation once the estimated cost is a
city's, adds up to a tenth of a second to each statement, and these joins and
index probes gain about as little back.
"""


@contextmanager
def whole_city_settings(connection: Connection) -> Iterator[None]:
    """`WHOLE_CITY_SETTINGS` for the statements run inside, on PostgreSQL, then the settings as they were.

    They are set local to the transaction: if a statement fails, rolling the
    transaction back restores them too.
    """
    if connection.dialect.name != "postgresql":
        yield
        return
    names = sorted(WHOLE_CITY_SETTINGS)
    before = dict(zip(names, connection.execute(select(*(func.current_setting(n) for n in names))).one(),
                      strict=True))
    _set_local(connection, WHOLE_CITY_SETTINGS)
    yield
    _set_local(connection, before)


def _set_local(connection: Connection, settings: Mapping[str, str]) -> None:
    connection.execute(select(*(func.set_config(name, value, True) for name, value in settings.items())))


def screen_query(rule: str, *, event_date: date, answers: Mapping[str, Any] | None = None,
                 subjects_selector: str = "applicant",
                 income_tables: Mapping[str, IncomeTable] | None = None) -> Select[str]:
    """The SELECT of the 宛名番号 `screen` returns (in no order: a sort of the whole city is
    cheaper outside the database than spilled to disk inside it).

    Every person that ranges over the household — the unanswered named persons
    and the subject — is one alias of a single ``EXISTS``, so the database
    joins the household with itself once instead of probing it per member.

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
    binding = _Binding(SqlScope(event_date, applicant, {APPLICANT: applicant},
                                compiled.answer_values(given), compiled.tree.answers, tables))
    for name in _named(compiled, subjects_selector):
        binding.named(name, given, read=name in _read(compiled, subjects_selector))
    binding.subject(compiled, subjects_selector, given)
    condition = false() if binding.nobody else binding.exists(compiled.sql(binding.scope).expr)
    atena = applicant.row.c.atena_number
    return (select(atena).select_from(applicant.from_clause())
            .where(resident(applicant.row), *binding.applicant_conditions, condition))


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


def _read(compiled: CompiledRule, selector: str) -> set[str]:
    """The answer-named persons whose facts the screening needs: those the rule reads, the one
    the subject is when the rule reads the subject, and the deceased the subjects exclude."""
    read = set(compiled.tree.persons)
    if compiled.tree.reads_subject and selector in ANSWER_PERSONS:
        read.add(selector)
    if selector == "household_except_deceased":
        read.add("deceased")
    return read


def _named(compiled: CompiledRule, selector: str) -> list[str]:
    """The answer-named persons the rule or its selector needs, in a fixed order."""
    names = list(compiled.tree.persons)
    needed = "deceased" if selector == "household_except_deceased" else selector
    if needed in ANSWER_PERSONS and needed not in names:
        names.append(needed)
    return names


@dataclass
class _Binding:
    """How the persons of a screened rule are bound: to a fixed source, or ranging over the household."""

    scope: SqlScope
    ranging: list[HubPerson] = field(default_factory=list)
    member_conditions: list[ColumnElement[bool]] = field(default_factory=list)
    applicant_conditions: list[ColumnElement[bool]] = field(default_factory=list)
    nobody: bool = False
    """The selector picks no one: no subject, no application."""

    def bind(self, name: str, source: PersonSource) -> None:
        self.scope = self.scope.with_person(name, source)

    def range(self, name: str) -> HubPerson:
        member = HubPerson(self.scope.member_alias())
        self.ranging.append(member)
        self.bind(name, member)
        return member

    def exists(self, rule: ColumnElement[bool]) -> ColumnElement[bool]:
        """The rule for some choice of the ranging members (the rule itself if none ranges)."""
        if not self.ranging:
            return rule
        applicant = self.scope.applicant.row
        rows = [member.row for member in self.ranging]
        return (select(rows[0].c.id).select_from(*(m.from_clause() for m in self.ranging))
                .where(*(visible_member(row, applicant) for row in rows), *self.member_conditions, rule)
                .correlate_except(*rows).exists())

    def named(self, name: str, given: Mapping[str, Any], *, read: bool) -> None:
        """The member the answer names, nobody for an empty answer, every member when unanswered
        (unless nothing reads the person: the applicant is a member, so someone is there)."""
        if name not in given:
            if read:
                self.range(name)
            return
        value = given[name]
        if not isinstance(value, str):
            raise AnswerInvalid(name, f"expected a 宛名番号, not {value!r}")
        if value == "":
            self.bind(name, NOBODY)
        else:
            self.member_conditions.append(self.range(name).row.c.atena_number == value)

    def subject(self, compiled: CompiledRule, selector: str, given: Mapping[str, Any]) -> None:
        if selector == "applicant":
            self.bind(SUBJECT, self.scope.applicant)
        elif selector == "newborn":
            self.bind(SUBJECT, FixedPerson(newborn(self.scope.on)))
        elif selector in ANSWER_PERSONS:
            source = self.scope.persons.get(selector)  # unbound when nothing reads it
            self.nobody = source is NOBODY
            if source is not None:
                self.bind(SUBJECT, source)
        elif selector == "household_except_deceased":
            member, deceased = self.range(SUBJECT), self.scope.persons["deceased"]
            if isinstance(deceased, HubPerson):
                self.member_conditions.append(member.row.c.atena_number != deceased.row.c.atena_number)
        elif selector == "household" or selector not in given:
            if compiled.tree.reads_subject:  # else: the applicant is a member, so a subject exists
                self.range(SUBJECT)
        elif selector == "spouse":
            self.spouse(given[selector])
        else:
            self.listed(selector, given[selector])

    def spouse(self, value: Any) -> None:
        if isinstance(value, Mapping):
            self.bind(SUBJECT, FixedPerson(answered_person("spouse", "spouse", value)))
        elif not isinstance(value, str):
            raise AnswerInvalid("spouse", f"expected a 宛名番号 or a person, not {value!r}")
        elif value == "":
            self.nobody = True
        else:
            self.member_conditions.append(self.range(SUBJECT).row.c.atena_number == value)

    def listed(self, selector: str, value: Any) -> None:
        """Subjects listed by 宛名番号: every one must be a member; the rule must hold for one."""
        if selector not in LISTED or not isinstance(value, Sequence) or isinstance(value, str):
            raise AnswerInvalid(selector, f"expected a list, not {value!r}")
        if any(isinstance(entry, Mapping) for entry in value):
            raise RuleNotScreenable("a move-in's movers are not in the hub yet")
        if not all(isinstance(entry, str) for entry in value):
            raise AnswerInvalid(selector, f"expected a list of 宛名番号, not {value!r}")
        atenas = sorted({entry for entry in value if entry})
        if not atenas:
            self.nobody = True
            return
        counted = HubPerson(self.scope.member_alias())
        listed = (household_select(counted, self.scope, func.count())
                  .where(counted.row.c.atena_number.in_(atenas)).scalar_subquery())
        self.applicant_conditions.append(listed == len(atenas))
        self.member_conditions.append(self.range(SUBJECT).row.c.atena_number.in_(atenas))
