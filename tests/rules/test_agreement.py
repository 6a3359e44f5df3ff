"""The key property: for every rule, screening in SQL lists exactly the applicants for whom
the Python evaluation says the rule applies.

Hypothesis makes small cities whose people sit on the edges of the date law
(birthdays, April 1 and 2, February 29), with insurance that starts or ends
on the event date, ended record versions beside current ones, members moved
out or under support measures, and unknown birth dates; and it draws the
answers each rule reads (some absent, some naming members of other
households). The test's own rules use every construct of the language; the
shipped catalog's rules are checked as written.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from madoguchi.rules.compiler import compile_rule
from madoguchi.rules.screen import screen, screen_household
from madoguchi.rules.vocabulary import ANSWER_PERSONS, Kind

from .cases import OWN_RULES, SHIPPED, TABLES, Case
from .factories import City
from .strategies import cities


def answers_for(data: st.DataObject, case: Case, city: City) -> dict[str, Any]:
    """Answers of the types the rule reads, each perhaps absent; persons by 宛名番号 of anyone."""
    tree = compile_rule(case.rule).tree
    atenas = [m.atena for m in city.members]
    words = sorted(set(re.findall(r"'([^']*)'", case.rule)) | {"", "other"})
    drawn: dict[str, Any] = {}
    values = {Kind.BOOL: st.booleans(), Kind.INT: st.integers(0, 3), Kind.STRING: st.sampled_from(words + atenas),
              None: st.booleans()}
    for question, kind in tree.answers.items():
        if data.draw(st.booleans(), label=f"answer {question}?"):
            drawn[question] = data.draw(values[kind], label=question)
    people = {*tree.persons, case.subjects} & {*ANSWER_PERSONS, "spouse"}
    if case.subjects == "household_except_deceased":
        people.add("deceased")
    for name in sorted(people):
        choice = data.draw(st.sampled_from(["absent", "absent", "nobody", "member"]), label=name)
        if choice == "nobody":
            drawn[name] = ""
        elif choice == "member":
            drawn[name] = data.draw(st.sampled_from(atenas), label=name)
    if case.subjects == "spouse" and data.draw(st.booleans(), label="spouse from elsewhere"):
        drawn["spouse"] = {"family_name": "佐藤", "birth_date": "1994-04-01"}
    if case.subjects == "persons" and data.draw(st.booleans(), label="persons given"):
        drawn["persons"] = data.draw(st.lists(st.sampled_from(atenas), min_size=1, max_size=2), label="persons")
    return drawn


def assert_agreement(session: Session, city: City, on: date, case: Case, answers: dict[str, Any]) -> None:
    in_sql = screen(session, case.rule, event_date=on, answers=answers, subjects_selector=case.subjects,
                    income_tables=TABLES)
    in_python = sorted(m.atena for m in city.members if m.status == "1" and screen_household(
        case.rule, city.household(m, on), subjects_selector=case.subjects, answers=answers,
        income_tables=TABLES))
    assert in_sql == in_python, f"{case} on {on} with {answers}"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(drawn=cities(), data=st.data())
def test_sql_screening_agrees_with_python_evaluation(session: Session, drawn: tuple[City, date],
                                                     data: st.DataObject) -> None:
    city, on = drawn
    savepoint = session.begin_nested()
    try:
        city.write(session)
        for case in OWN_RULES + SHIPPED:
            assert_agreement(session, city, on, case, answers_for(data, case, city))
    finally:
        savepoint.rollback()
