from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from madoguchi.rules.facts import build_household, movers_household, newborn, person_from_answer

ON = date(2025, 4, 1)


def juki(atena: str, relationship: str = "世帯主", **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"atena_number": atena, "household_number": "H1", "relationship": relationship,
                           "birth_date": date(1980, 1, 1), "sex": "1", "resident_kind": "1",
                           "status": "1", "support_measure": False}
    return row | values


def test_the_household_holds_the_residents_sharing_the_applicants_household_number() -> None:
    household = build_household("A", ON, juki=[
        juki("A"), juki("B", "妻"), juki("C", "子", status="2"), juki("D", household_number="H2"),
        juki("E", "子", valid_to=date(2025, 1, 1))])
    assert [m.atena for m in household.members] == ["A", "B"]
    assert household.applicant is not None and household.applicant.is_applicant


def test_a_member_under_support_measures_is_invisible_to_the_others_but_sees_their_household() -> None:
    rows = [juki("A"), juki("B", "妻", support_measure=True)]
    assert [m.atena for m in build_household("A", ON, juki=rows).members] == ["A"]
    assert [m.atena for m in build_household("B", ON, juki=rows).members] == ["A", "B"]


def test_an_applicant_who_is_not_a_resident_is_refused() -> None:
    with pytest.raises(ValueError, match="is not a resident"):
        build_household("A", ON, juki=[juki("A", status="3")])


@pytest.mark.parametrize("applicant, spouse", [("世帯主", "妻"), ("夫(未届)", "世帯主"), ("子", "子の妻")])
def test_spouses_are_told_by_their_relationships_to_the_head(applicant: str, spouse: str) -> None:
    household = build_household("A", ON, juki=[juki("A", applicant), juki("B", spouse), juki("C", "母")])
    assert [m.is_applicant_spouse for m in household.members] == [False, True, False]


def test_insurance_counts_from_the_day_acquired_until_the_day_lost() -> None:
    rows = [juki("A"), juki("B", "妻"), juki("C", "子"), juki("D", "子")]
    nhi = [{"atena_number": "A", "acquired_on": "2025-04-01", "lost_on": None},
           {"atena_number": "B", "acquired_on": date(2020, 1, 1), "lost_on": date(2025, 4, 1)},
           {"atena_number": "C", "acquired_on": date(2025, 4, 2), "lost_on": None},
           {"atena_number": "D", "acquired_on": date(2020, 1, 1), "lost_on": date(2025, 4, 2)}]
    household = build_household("A", ON, juki=rows, nhi=nhi)
    assert [m.nhi for m in household.members] == [True, False, False, True]


def test_the_latest_fiscal_year_gives_income_dependents_and_tax() -> None:
    tax = [{"atena_number": "A", "fiscal_year": 2023, "total_income": 5_000_000, "dependents": 2, "taxed": True},
           {"atena_number": "A", "fiscal_year": 2024, "total_income": 1_200_000, "dependents": 1, "taxed": False}]
    applicant = build_household("A", ON, juki=[juki("A")], tax=tax).applicant
    assert applicant is not None
    assert (applicant.income, applicant.dependents, applicant.taxed) == (1_200_000, 1, False)


def test_a_care_level_whose_certification_has_ended_is_no_care_level() -> None:
    ltc = [{"atena_number": "A", "care_level": "要介護2", "certified_until": date(2025, 3, 31)},
           {"atena_number": "B", "care_level": "要支援1", "certified_until": date(2025, 4, 1)}]
    household = build_household("A", ON, juki=[juki("A"), juki("B", "妻")], ltc=ltc)
    assert [(m.ltc, m.care_level) for m in household.members] == [(True, ""), (True, "要支援1")]


def test_pension_category_and_months_come_from_the_current_record() -> None:
    pension = [{"atena_number": "A", "category": "1", "since": date(2022, 4, 20)},
               {"atena_number": "B", "category": "3", "since": date(2025, 5, 1)}]
    household = build_household("A", date(2025, 3, 31), juki=[juki("A"), juki("B", "妻")], pension=pension)
    assert [(m.pension_category, m.pension_months) for m in household.members] == [("1", 36), ("", 0)]


def test_child_allowance_marks_the_recipient_and_the_child_in_force() -> None:
    allowances = [{"recipient_atena": "A", "child_atena": "C", "certified_on": date(2020, 1, 1), "ended_on": None},
                  {"recipient_atena": "B", "child_atena": "D", "certified_on": date(2020, 1, 1),
                   "ended_on": date(2025, 4, 1)}]
    household = build_household("A", ON, juki=[juki("A"), juki("B", "妻"), juki("C", "子"), juki("D", "子")],
                                child_allowance=allowances)
    assert [(m.child_allowance_recipient, m.child_allowance_child) for m in household.members] == [
        (True, False), (False, False), (False, True), (False, False)]


def test_a_birth_date_that_is_unknown_stays_unknown() -> None:
    applicant = build_household("A", ON, juki=[juki("A", birth_date=None)]).applicant
    assert applicant is not None and applicant.birth_date is None


def test_the_newborn_is_born_on_the_event_date_and_in_no_system() -> None:
    child = newborn(ON)
    assert (child.ref, child.atena, child.birth_date, child.nhi) == ("newborn", "", ON, False)


def test_movers_of_a_move_in_carry_what_their_answer_says() -> None:
    household = movers_household(ON, [
        {"family_name": "山田", "birth_date": "1950-05-01", "employer_insurance": True},
        {"family_name": "山田", "birth_date": "2015-05-01", "public_servant": False}])
    assert household.applicant is None
    assert [(m.ref, m.birth_date, m.employer_insurance) for m in household.members] == [
        ("mover:0", date(1950, 5, 1), True), ("mover:1", date(2015, 5, 1), False)]


def test_a_person_from_an_answer_with_a_bad_birth_date_is_refused() -> None:
    with pytest.raises(ValueError):
        person_from_answer("spouse", {"birth_date": "1990-02-30"})
