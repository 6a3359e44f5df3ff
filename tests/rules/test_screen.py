from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from madoguchi.registry.models import RESIDENTS_BY_HOUSEHOLD
from madoguchi.rules.errors import AnswerInvalid, RuleNotScreenable
from madoguchi.rules.screen import (
    WHOLE_CITY_SETTINGS,
    screen,
    screen_household,
    screen_query,
    whole_city_settings,
)
from madoguchi.rules.tables import IncomeTable

from .factories import Allowance, City, Member

ON = date(2025, 4, 1)


def town() -> City:
    """Three households: a family on NHI with a first-grader, a family on an employer's plan, a widow."""
    return City(
        [[Member("世帯主", date(1985, 5, 1), nhi=(date(2010, 1, 1), None), tax=((2024, 1_500_000, 1, True),)),
          Member("妻", date(1987, 8, 9), sex="2", nhi=(date(2010, 1, 1), None)),
          Member("子", date(2019, 4, 1))],
         [Member("世帯主", date(1980, 1, 10)),
          Member("妻", date(1981, 2, 28), sex="2", nhi=(date(2010, 1, 1), date(2025, 4, 1))),
          Member("子", date(2019, 4, 2)), Member("子", date(2007, 4, 2))],
         [Member("世帯主", date(1950, 4, 1), sex="2", late_elderly=(date(2025, 4, 1), None),
                 ltc=("要介護1", None)),
          Member("同居人", None, support_measure=True, nhi=(date(2010, 1, 1), None))]],
        [Allowance(4, 6, (date(2007, 5, 1), None))])


def atenas(city: City, *indexes: int) -> list[str]:
    return sorted(city.members[i].atena for i in indexes)


def test_screening_lists_every_applicant_whose_household_qualifies(session: Session) -> None:
    city = town()
    city.write(session)
    rule = "household.all(m, !(m.is_applicant || m.is_applicant_spouse) || m.nhi)"
    assert screen(session, rule, event_date=ON) == atenas(city, 0, 1, 8)


def test_the_school_year_boundary_separates_april_1_from_april_2(session: Session) -> None:
    city = town()
    city.write(session)
    found = screen(session, "compulsory_school_age(subject)", event_date=ON, subjects_selector="household")
    assert found == atenas(city, 0, 1, 2)  # only the child born on April 1 is at school


def test_a_member_under_support_measures_makes_no_one_else_qualify(session: Session) -> None:
    city = town()
    city.write(session)
    assert screen(session, "household.exists(m, m.nhi && !m.is_applicant)", event_date=ON) == atenas(
        city, 0, 1, 2)
    assert city.members[8].atena in screen(session, "applicant.nhi", event_date=ON)


def test_an_unknown_birth_date_is_screened_in_by_neither_an_age_nor_its_negation(session: Session) -> None:
    city = town()
    city.write(session)
    hidden = city.members[8].atena
    assert hidden not in screen(session, "reached(applicant, 18)", event_date=ON)
    assert hidden not in screen(session, "!reached(applicant, 18)", event_date=ON)


def test_an_unanswered_named_person_ranges_over_the_household(session: Session) -> None:
    city = town()
    city.write(session)
    rule = "deceased.late_elderly && answers.funeral_held"
    assert screen(session, rule, event_date=ON, answers={"funeral_held": True},
                  subjects_selector="deceased") == atenas(city, 7, 8)
    assert screen(session, rule, event_date=ON, subjects_selector="deceased") == []


def test_a_named_answer_keeps_the_households_holding_that_person(session: Session) -> None:
    city = town()
    city.write(session)
    rule = "subject.child_allowance_recipient"
    answers = {"deceased": city.members[4].atena}
    assert screen(session, rule, event_date=ON, answers=answers, subjects_selector="deceased") == atenas(
        city, 3, 4, 5, 6)


def test_listed_persons_must_all_be_members(session: Session) -> None:
    city = town()
    city.write(session)
    listed = {"persons": [city.members[1].atena, city.members[0].atena]}
    assert screen(session, "subject.nhi", event_date=ON, answers=listed,
                  subjects_selector="persons") == atenas(city, 0, 1, 2)
    across = {"persons": [city.members[0].atena, city.members[3].atena]}
    assert screen(session, "subject.nhi", event_date=ON, answers=across, subjects_selector="persons") == []


def test_the_income_limit_is_read_from_the_table_given(session: Session) -> None:
    city = town()
    city.write(session)
    rule = "applicant.income < income_limit('single-parent-partial', applicant.dependents)"
    low = {"single-parent-partial": IncomeTable(((0, 1_000_000), (1, 1_400_000)), 380_000)}
    high = {"single-parent-partial": IncomeTable(((0, 1_000_000), (1, 1_600_000)), 380_000)}
    assert city.members[0].atena not in screen(session, rule, event_date=ON, income_tables=low)
    assert city.members[0].atena in screen(session, rule, event_date=ON, income_tables=high)


def test_screening_agrees_with_the_python_decision_for_each_household(session: Session) -> None:
    city = town()
    city.write(session)
    rule = ("household.exists(m, child_allowance_age(m) && !m.is_applicant) "
            "&& !household.exists(m, late_elderly_age(m))")
    found = screen(session, rule, event_date=ON)
    python = sorted(m.atena for m in city.members
                    if m.status == "1" and screen_household(rule, city.household(m, ON)))
    assert found == python and found


@pytest.mark.parametrize("rule", [
    "household.exists(m, m.atena == subject.atena && m.nhi)",
    "household.exists_one(m, reached(m, 18) && m.atena == applicant.atena)",
    "!household.exists(m, m.atena == subject.atena)",
    "household.exists(m, subject.atena == m.atena && !m.is_applicant && reached(m, 18))",
])
def test_a_quantifier_pinned_to_a_member_is_decided_for_that_member_alone(session: Session, rule: str) -> None:
    city = town()
    city.write(session)
    found = screen(session, rule, event_date=ON, subjects_selector="household")
    python = sorted(m.atena for m in city.members if m.status == "1" and screen_household(
        rule, city.household(m, ON), subjects_selector="household"))
    assert found == python
    query = screen_query(rule, event_date=ON, subjects_selector="household")
    assert str(query).count("EXISTS") <= 1  # the subject's, none for the quantifier


def test_a_move_in_cannot_be_screened() -> None:
    with pytest.raises(RuleNotScreenable):
        screen_query("reached(subject, 65)", event_date=ON, subjects_selector="movers",
                     answers={"movers": [{"birth_date": "1950-01-01"}]})


def test_an_answer_of_the_wrong_type_is_refused_before_screening() -> None:
    with pytest.raises(AnswerInvalid, match="'funeral_held'"):
        screen_query("answers.funeral_held", event_date=ON, answers={"funeral_held": "yes"})


def test_the_sql_compares_birth_dates_with_constants_and_has_no_date_arithmetic() -> None:
    rule = ("household.exists(m, compulsory_school_age(m) || child_allowance_age(m) || reached(m, 65)"
            " || late_elderly_age(m)) && applicant.pension_months >= 36")
    query = screen_query(rule, event_date=ON)
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        text = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        assert "'2010-04-02'" in text and "'2019-04-01'" in text  # compulsory school age
        assert not re.search(r"(?i)\b(julianday|strftime|interval|extract|age|date_part|date)\s*\(", text)


def test_the_migrations_index_the_current_residents_by_household(engine: Engine) -> None:
    indexes = {index["name"]: index for index in inspect(engine).get_indexes("juki_records")}
    index = indexes[RESIDENTS_BY_HOUSEHOLD.name]
    assert index["column_names"] == ["household_number"]
    if engine.dialect.name == "postgresql":  # the columns the rules read ride along in the index
        assert set(index["dialect_options"]["postgresql_include"]) >= {"atena_number", "birth_date",
                                                                       "support_measure"}


def test_the_screening_settings_hold_for_the_statement_and_are_put_back(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        pytest.skip("settings of PostgreSQL")
    connection.execute(text("SET LOCAL work_mem = '5MB'"))

    def current() -> dict[str, str]:
        return {name: connection.execute(text("SELECT current_setting(:n)"), {"n": name}).scalar_one()
                for name in WHOLE_CITY_SETTINGS}
    before = current()
    with whole_city_settings(connection):
        assert current() == WHOLE_CITY_SETTINGS
    assert current() == before and before["work_mem"] == "5MB"
    town().write(session)
    assert screen(session, "applicant.nhi", event_date=ON)
    assert current() == before
