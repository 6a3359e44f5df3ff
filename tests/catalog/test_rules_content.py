"""The shipped rules decide as catalog.md says, for small households (no database needed)."""

from __future__ import annotations

from datetime import date
from typing import Any

from madoguchi.catalog.models import Catalog
from madoguchi.rules import (
    HouseholdFacts,
    Person,
    evaluate,
    income_tables_from_catalog,
    movers_household,
    select_subjects,
)

ON = date(2025, 6, 2)


def person(atena: str, relationship: str, born: date, **facts: Any) -> Person:
    return Person(ref=atena, atena=atena, relationship=relationship, birth_date=born,
                  is_head=relationship == "世帯主", **facts)


def household(*members: Person) -> HouseholdFacts:
    applicant = next((m for m in members if m.is_applicant), None)
    return HouseholdFacts(ON, applicant, members)


def applies(catalog: Catalog, event: str, procedure: str, facts: HouseholdFacts,
            answers: dict[str, Any] | None = None) -> list[str]:
    """The subjects for which the event's entries of the procedure apply."""
    given = answers or {}
    tables = income_tables_from_catalog(t.model_dump() for t in catalog.tables.values())
    found: list[str] = []
    for entry in catalog.event(event).entries_for(procedure):
        subjects = select_subjects(entry.subjects, facts, given)
        assert isinstance(subjects, list)
        found += [s.ref for s in subjects if evaluate(entry.applies_when, facts, subject=s, answers=given,
                                                      income_tables=tables) is True]
    return found


def test_a_newborn_joins_nhi_only_when_both_parents_are_nhi_insured(shipped: Catalog) -> None:
    father = person("A1", "世帯主", date(1990, 1, 1), is_applicant=True, nhi=True)
    insured_mother = person("A2", "妻", date(1992, 1, 1), is_applicant_spouse=True, nhi=True)
    employed_mother = person("A2", "妻", date(1992, 1, 1), is_applicant_spouse=True)
    assert applies(shipped, "birth", "nhi-enrollment", household(father, insured_mother)) == ["newborn"]
    assert applies(shipped, "birth", "nhi-enrollment", household(father, employed_mother)) == []


def test_a_single_parent_under_the_partial_payment_limit_may_claim(shipped: Catalog) -> None:
    for income, expected in ((2_400_000, ["A1"]), (2_500_000, [])):  # limit with 1 dependent: 2,460,000
        parent = person("A1", "世帯主", date(1995, 1, 1), is_applicant=True, income=income, dependents=1)
        assert applies(shipped, "birth", "single-parent-allowance", household(parent),
                       {"single_parent": True}) == expected


def test_the_head_of_household_changes_when_two_members_of_15_or_more_remain(shipped: Catalog) -> None:
    head = person("A1", "世帯主", date(1950, 1, 1))
    wife = person("A2", "妻", date(1955, 1, 1), is_applicant=True)
    answers = {"deceased": "A1"}
    teenager = person("A3", "子", date(2009, 6, 1))  # reached 15 on 2024-05-31
    child = person("A3", "子", date(2015, 1, 1))
    assert applies(shipped, "death", "householder-change", household(head, wife, teenager), answers) == ["A2"]
    assert applies(shipped, "death", "householder-change", household(head, wife, child), answers) == []


def test_a_category_1_death_leaves_a_survivor_pension_with_a_child_else_a_lump_sum(shipped: Catalog) -> None:
    deceased = person("A1", "世帯主", date(1980, 1, 1), pension_category="1", pension_months=120)
    wife = person("A2", "妻", date(1982, 1, 1), is_applicant=True)
    child = person("A3", "子", date(2012, 1, 1))
    answers = {"deceased": "A1", "deceased_received_pension": False}
    with_child, without_child = household(deceased, wife, child), household(deceased, wife)
    assert applies(shipped, "death", "survivor-basic-pension", with_child, answers) == ["A1"]
    assert applies(shipped, "death", "pension-death-lump-sum", with_child, answers) == []
    assert applies(shipped, "death", "survivor-basic-pension", without_child, answers) == []
    assert applies(shipped, "death", "pension-death-lump-sum", without_child, answers) == ["A1"]


def test_leaving_a_job_enrols_the_person_and_their_dependents_in_nhi(shipped: Catalog) -> None:
    worker = person("A1", "世帯主", date(1980, 1, 1), is_applicant=True, pension_category="2")
    wife = person("A2", "妻", date(1982, 1, 1), is_applicant_spouse=True, pension_category="3")
    child = person("A3", "子", date(2012, 1, 1))
    grandmother = person("A4", "母", date(1945, 1, 1), late_elderly=True)
    facts = household(worker, wife, child, grandmother)
    answers = {"person": "A1"}
    assert applies(shipped, "job-loss", "nhi-enrollment", facts, answers) == ["A1", "A2", "A3"]
    assert applies(shipped, "job-loss", "pension-category-change", facts, answers) == ["A1", "A2"]


def test_people_moving_in_get_the_insurance_and_school_procedures_of_their_age(shipped: Catalog) -> None:
    answers = {"movers": [{"family_name": "山田", "birth_date": born, "relationship": relationship}
                          for born, relationship in (("1950-06-02", "母"), ("1959-06-02", "父"),
                                                     ("1990-01-01", "世帯主"), ("2017-01-01", "子"))]}
    facts = movers_household(ON, answers["movers"])
    assert applies(shipped, "move-in", "late-elderly-enrollment", facts, answers) == ["mover:0"]  # 75 today
    assert applies(shipped, "move-in", "ltc-enrollment", facts, answers) == ["mover:0", "mover:1"]
    assert applies(shipped, "move-in", "nhi-enrollment", facts, answers) == ["mover:1", "mover:2", "mover:3"]
    assert applies(shipped, "move-in", "school-transfer-in", facts, answers) == ["mover:3"]
    assert applies(shipped, "move-in", "child-allowance-claim", facts, answers) == ["mover:2"]


def test_care_before_65_needs_a_specified_disease(shipped: Catalog) -> None:
    for answers, expected in (({"person": "A1", "specified_disease": True}, ["A1"]),
                              ({"person": "A1", "specified_disease": False}, [])):
        patient = person("A1", "世帯主", date(1970, 1, 1), is_applicant=True)
        assert applies(shipped, "care-need", "ltc-certification", household(patient), answers) == expected
