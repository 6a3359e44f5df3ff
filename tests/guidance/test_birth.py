"""出生: the birth bundle on a household like the demo's birth persona, and each rule's other side."""

from __future__ import annotations

from datetime import date

from .conftest import Navigator, needs, procedures
from .households import Households

BORN = date(2025, 5, 30)
ANSWERED = {"claimant_public_servant": False, "lump_sum_direct_payment": "full", "single_parent": False}


def test_a_birth_in_an_nhi_household_whose_father_receives_child_allowance(
        navigator: Navigator, homes: Households) -> None:
    family = homes.birth_family()
    plan = navigator.plan("birth", family.father.atena_number, BORN, mother=family.mother.atena_number,
                          father=family.father.atena_number, claimant=family.father.atena_number, **ANSWERED)
    assert procedures(plan) == [
        ("birth-registration", "newborn"), ("child-allowance-revision", family.father.atena_number),
        ("child-medical-subsidy", "newborn"), ("nhi-enrollment", "newborn"), ("newborn-visit", "newborn")]
    due = {p.id: p.deadline for p in plan.procedures}
    assert due["birth-registration"] == date(2025, 6, 12)  # 戸籍法: the birth day is day 1 of 14
    assert due["nhi-enrollment"] == date(2025, 6, 13)  # 民法: 14 days from the next day
    assert due["child-allowance-revision"] == date(2025, 6, 16)  # 6/14 is a Saturday
    assert due["child-medical-subsidy"] == date(2025, 6, 30)  # a month from 5/31
    assert plan.needs_answers == [] and plan.questions == []
    reasons = {p.id: p.reason for p in plan.procedures}
    assert reasons["nhi-enrollment"].startswith("お子さんの国民健康保険の加入が必要です")
    assert [n.what for n in plan.no_procedure_needed] == ["マイナンバー（個人番号）の通知",
                                                           "予防接種と乳幼児健診のご案内"]


def test_a_parent_in_an_employers_plan_means_no_nhi_for_the_child_and_no_childbirth_grant(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    father = homes.person(home, "世帯主", date(1990, 5, 5))
    mother = homes.person(home, "妻", date(1991, 5, 5), sex="2")
    homes.nhi(father)
    plan = navigator.plan("birth", father.atena_number, BORN, mother=mother.atena_number,
                          claimant=father.atena_number, **{**ANSWERED, "lump_sum_direct_payment": "none"})
    assert ("nhi-enrollment", "newborn") not in procedures(plan)
    assert ("birth-lump-sum", mother.atena_number) not in procedures(plan)
    assert ("child-allowance-claim", father.atena_number) in procedures(plan)  # not yet a recipient


def test_the_childbirth_grant_is_the_nhi_mothers_when_the_direct_payment_did_not_cover_it(
        navigator: Navigator, homes: Households) -> None:
    family = homes.birth_family()
    for payment, expected in (("partial", True), ("none", True), ("full", False)):
        plan = navigator.plan("birth", family.father.atena_number, BORN, mother=family.mother.atena_number,
                              claimant=family.father.atena_number,
                              **{**ANSWERED, "lump_sum_direct_payment": payment})
        assert (("birth-lump-sum", family.mother.atena_number) in procedures(plan)) is expected, payment


def test_a_public_servant_claims_child_allowance_from_the_employer(
        navigator: Navigator, homes: Households) -> None:
    family = homes.birth_family()
    plan = navigator.plan("birth", family.father.atena_number, BORN, mother=family.mother.atena_number,
                          claimant=family.father.atena_number, **{**ANSWERED, "claimant_public_servant": True})
    assert not {"child-allowance-claim", "child-allowance-revision"} & {p.id for p in plan.procedures}


def test_a_single_parent_under_the_income_limit_claims_the_child_rearing_allowance(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    poorer = homes.person(home, "世帯主", date(1995, 3, 3), sex="2")
    richer = homes.person(homes.household(), "世帯主", date(1995, 3, 3), sex="2")
    homes.tax(poorer, 2_459_999, dependents=1)  # the limit for one dependent is 2,460,000
    homes.tax(richer, 2_460_000, dependents=1)
    answers = {**ANSWERED, "single_parent": True, "mother": ""}
    assert ("single-parent-allowance", poorer.atena_number) in procedures(
        navigator.plan("birth", poorer.atena_number, BORN, claimant=poorer.atena_number, **answers))
    assert "single-parent-allowance" not in {p.id for p in navigator.plan(
        "birth", richer.atena_number, BORN, claimant=richer.atena_number, **answers).procedures}


def test_unanswered_questions_put_their_procedures_under_needs_answers(
        navigator: Navigator, homes: Households) -> None:
    family = homes.birth_family()
    plan = navigator.plan("birth", family.father.atena_number, BORN)
    assert needs(plan) == {"child-allowance-claim": ["claimant"], "child-allowance-revision": ["claimant"],
                           "birth-lump-sum": ["mother"]}
    # The father's income is over the child-rearing allowance's limit: no answer can make it apply.
    assert "single-parent-allowance" not in {p.id for p in plan.procedures}
    assert {p.id for p in plan.procedures} == {"birth-registration", "child-medical-subsidy", "nhi-enrollment",
                                              "newborn-visit"}
    assert plan.questions == ["mother", "father", "claimant", "claimant_public_servant",
                              "lump_sum_direct_payment", "single_parent"]


def test_the_grant_question_is_asked_only_when_the_mother_is_nhi_insured(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    father = homes.person(home, "世帯主", date(1990, 5, 5))
    mother = homes.person(home, "妻", date(1991, 5, 5), sex="2")
    plan = navigator.plan("birth", father.atena_number, BORN, mother=mother.atena_number)
    assert "lump_sum_direct_payment" not in plan.questions
    assert "birth-lump-sum" not in needs(plan) and "birth-lump-sum" not in {p.id for p in plan.procedures}


def test_reasons_are_in_english_on_request(navigator: Navigator, homes: Households) -> None:
    family = homes.birth_family()
    plan = navigator.plan("birth", family.father.atena_number, BORN, lang="en")
    first = plan.procedures[0]
    assert (first.name, first.department_name) == ("Birth registration", "Citizens Division")
    assert first.reason.startswith("The birth must be registered")
