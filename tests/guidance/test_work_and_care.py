"""退職, 就職, 介護が必要になった: insurance and pension changes, and the care certification's two routes."""

from __future__ import annotations

from datetime import date

from .conftest import Navigator, needs, procedures
from .households import Households

ON = date(2025, 5, 23)


def test_leaving_a_job_brings_the_family_it_covered_into_nhi(navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    worker = homes.person(home, "世帯主", date(1980, 1, 1))
    wife = homes.person(home, "妻", date(1982, 1, 1), sex="2")
    child = homes.person(home, "子", date(2012, 1, 1))
    grandfather = homes.person(home, "父", date(1948, 1, 1))
    homes.pension(worker, "2")
    homes.pension(wife, "3")
    homes.late_elderly(grandfather)
    plan = navigator.plan("job-loss", worker.atena_number, ON, person=worker.atena_number)
    assert procedures(plan) == [
        ("nhi-enrollment", worker.atena_number), ("nhi-enrollment", wife.atena_number),
        ("nhi-enrollment", child.atena_number),
        ("pension-category-change", worker.atena_number), ("pension-category-change", wife.atena_number)]
    # Counted from the day after the last working day: 5/24 + 14 days, 民法 mode.
    assert {p.deadline for p in plan.procedures} == {date(2025, 6, 9)}  # 6/7 is a Saturday


def test_starting_a_job_ends_nhi_for_the_insured_among_those_who_join(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    worker = homes.person(home, "世帯主", date(1980, 1, 1))
    child = homes.person(home, "子", date(2012, 1, 1))
    homes.nhi(worker)
    plan = navigator.plan("job-start", worker.atena_number, ON, persons=[worker.atena_number, child.atena_number])
    assert procedures(plan) == [("nhi-withdrawal", worker.atena_number)]


def test_care_from_65_needs_ltc_insurance_and_before_65_a_specified_disease(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    elder = homes.person(home, "世帯主", date(1955, 1, 1))
    younger = homes.person(home, "妻", date(1970, 1, 1), sex="2")
    homes.ltc(elder)
    assert procedures(navigator.plan("care-need", elder.atena_number, ON, person=elder.atena_number)) == [
        ("ltc-certification", elder.atena_number)]
    pending = navigator.plan("care-need", elder.atena_number, ON, person=younger.atena_number)
    assert needs(pending) == {"ltc-certification": ["specified_disease"]}
    assert pending.questions == ["specified_disease"]
    for disease, expected in ((True, [("ltc-certification", younger.atena_number)]), (False, [])):
        plan = navigator.plan("care-need", elder.atena_number, ON, person=younger.atena_number,
                              specified_disease=disease)
        assert procedures(plan) == expected


def test_an_unknown_birth_date_asks_the_staff_rather_than_guessing(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    applicant = homes.person(home, "世帯主", date(1980, 1, 1))
    unknown = homes.person(home, "母", None, birth_date_note="昭和20年頃")
    homes.ltc(unknown)  # insured, but is she 65 yet?
    plan = navigator.plan("care-need", applicant.atena_number, ON, person=unknown.atena_number,
                          specified_disease=False)
    assert [(c.procedure, c.subject, c.persons) for c in plan.needs_staff_check] == [
        ("ltc-certification", unknown.atena_number, [unknown.atena_number])]
    assert plan.procedures == [] and plan.needs_answers == []
