"""The compiled Python program means what cel-python's own interpreter means.

The rule language runs its own closures (cel-python's interpreter is too
slow for a plan); here the same rules run through ``celpy`` with the law
functions registered as CEL functions, on households where everything is
known, and both must give the same answer.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

import celpy
from celpy import celtypes
from hypothesis import given, settings
from hypothesis import strategies as st

from madoguchi.rules import lawdates
from madoguchi.rules.compiler import compile_rule
from madoguchi.rules.evaluate import evaluate
from madoguchi.rules.facts import HouseholdFacts, Person
from madoguchi.rules.tables import IncomeTable
from madoguchi.rules.vocabulary import ANSWER_PERSONS, PERSON_FIELDS, Kind

from .cases import OWN_RULES, SHIPPED, TABLES
from .strategies import EVENT_DATES, birth_dates

RULES = sorted({case.rule for case in OWN_RULES + SHIPPED})
ENVIRONMENT = celpy.Environment()


def to_cel(value: Any) -> Any:
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        return celtypes.IntType(value)
    if isinstance(value, str):
        return celtypes.StringType(value)
    raise TypeError(value)


def cel_person(person: Person) -> celtypes.MapType:
    values = {celtypes.StringType(name): to_cel(getattr(person, name)) for name in PERSON_FIELDS}
    values[celtypes.StringType("__birth")] = celtypes.StringType(str(person.birth_date))
    return celtypes.MapType(values)


def law_functions(on: date, tables: dict[str, IncomeTable]) -> dict[str, Any]:
    def birth(p: celtypes.MapType) -> date:
        return date.fromisoformat(str(p[celtypes.StringType("__birth")]))
    return {
        "age": lambda p: celtypes.IntType(lawdates.age(birth(p), on)),
        "reached": lambda p, n: celtypes.BoolType(lawdates.reached(birth(p), on, int(n))),
        "late_elderly_age": lambda p: celtypes.BoolType(lawdates.late_elderly_age(birth(p), on)),
        "compulsory_school_age": lambda p: celtypes.BoolType(lawdates.compulsory_school_age(birth(p), on)),
        "child_allowance_age": lambda p: celtypes.BoolType(lawdates.child_allowance_age(birth(p), on)),
        "income_limit": lambda t, d: celtypes.IntType(tables[str(t)].value(int(d))),
    }


def by_celpy(rule: str, household: HouseholdFacts, subject: Person, answers: dict[str, Any]) -> bool:
    program = ENVIRONMENT.program(ENVIRONMENT.compile(rule), functions=law_functions(household.on, TABLES))
    assert household.applicant is not None
    persons = {name: household.member(value) for name, value in answers.items() if name in ANSWER_PERSONS}
    activation = {
        "applicant": cel_person(household.applicant),
        "subject": cel_person(subject),
        "household": celtypes.ListType([cel_person(m) for m in household.members]),
        "answers": celtypes.MapType({celtypes.StringType(k): to_cel(v) for k, v in answers.items()}),
        **{name: cel_person(p) for name, p in persons.items() if p is not None},
    }
    return bool(program.evaluate(activation))


@st.composite
def households(draw: st.DrawFn) -> HouseholdFacts:
    on = draw(st.sampled_from(EVENT_DATES))
    size = draw(st.integers(min_value=1, max_value=4))
    people = []
    for n in range(size):
        birth = draw(birth_dates(on).filter(lambda b: b is not None))
        relationship = "世帯主" if n == 0 else draw(st.sampled_from(("妻", "子", "母", "子の妻")))
        values: dict[str, Any] = {}
        for f in fields(Person):
            kind = PERSON_FIELDS.get(f.name)
            if kind is Kind.BOOL:
                values[f.name] = draw(st.booleans())
            elif kind in (Kind.INT, Kind.MONTHS):
                values[f.name] = draw(st.sampled_from((0, 1, 2, 35, 36, 2_080_000, 2_500_000)))
            elif f.name in ("care_level", "pension_category", "sex", "resident_kind"):
                values[f.name] = draw(st.sampled_from(("", "1", "2", "3", "要介護3", "要支援1")))
        atena = f"A{n}"
        people.append(Person(atena, birth, **{**values, "atena": atena, "relationship": relationship,
                                               "is_head": n == 0, "is_applicant": n == 0}))
    return HouseholdFacts(on, people[0], tuple(people))


@settings(max_examples=60, deadline=None)
@given(household=households(), rule=st.sampled_from(RULES), data=st.data())
def test_the_python_program_agrees_with_the_cel_interpreter(household: HouseholdFacts, rule: str,
                                                            data: st.DataObject) -> None:
    tree = compile_rule(rule).tree
    atenas = st.sampled_from([m.atena for m in household.members])
    draws = {Kind.BOOL: st.booleans(), Kind.INT: st.integers(0, 3), None: st.booleans(),
             Kind.STRING: st.sampled_from(("partial", "none", "court", "agreement", "", "A1"))}
    answers: dict[str, Any] = {q: data.draw(draws[kind], label=q) for q, kind in tree.answers.items()}
    answers |= {name: data.draw(atenas, label=name) for name in tree.persons}
    subject = data.draw(st.sampled_from(household.members), label="subject")
    ours = evaluate(rule, household, subject=subject, answers=answers, income_tables=TABLES)
    assert ours == by_celpy(rule, household, subject, answers)
