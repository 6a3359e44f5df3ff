"""婚姻 and 離婚: registrations without a deadline, and what changes with the spouse and the children."""

from __future__ import annotations

from datetime import date

from .conftest import Navigator, procedures
from .households import Households

ON = date(2025, 5, 26)


def test_marrying_someone_from_elsewhere_who_joins_the_applicants_employer_plan(
        navigator: Navigator, homes: Households) -> None:
    applicant = homes.person(homes.household(), "世帯主", date(1995, 1, 1))
    homes.nhi(applicant)
    spouse = {"family_name": "鈴木", "given_name": "花", "birth_date": "1996-02-02"}
    plan = navigator.plan("marriage", applicant.atena_number, ON, spouse=spouse, living_together=True,
                          joins_spouse_employer_plan=applicant.atena_number)
    assert procedures(plan) == [("marriage-registration", applicant.atena_number),
                                ("nhi-withdrawal", applicant.atena_number)]
    assert plan.procedures[0].deadline is None and plan.procedures[0].deadline_kind == "none"
    stays = navigator.plan("marriage", applicant.atena_number, ON, spouse=spouse, living_together=True,
                           joins_spouse_employer_plan="")
    assert procedures(stays) == [("marriage-registration", applicant.atena_number)]


def test_a_divorce_by_agreement_has_no_deadline_and_one_by_the_court_ten_days(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    applicant = homes.person(home, "世帯主", date(1985, 1, 1), sex="2")
    former = homes.person(home, "夫", date(1984, 1, 1))
    answers = {"former_spouse": former.atena_number, "children_stay_with_applicant": False}
    agreed = navigator.plan("divorce", applicant.atena_number, ON, divorce_kind="agreement", **answers)
    assert [(p.id, p.deadline_kind, p.deadline) for p in agreed.procedures] == [
        ("divorce-registration", "none", None)]
    court = navigator.plan("divorce", applicant.atena_number, ON, divorce_kind="court",
                           court_decision_date="2025-05-22", **answers)
    # 10 days counting the day of the decision end on 5/31, a Saturday: the next open day.
    assert [(p.id, p.deadline) for p in court.procedures] == [("divorce-registration", date(2025, 6, 2))]


def test_children_who_stay_with_the_applicant_move_the_child_allowance(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    applicant = homes.person(home, "世帯主", date(1985, 1, 1), sex="2")
    former = homes.person(home, "夫", date(1984, 1, 1))
    child = homes.person(home, "子", date(2016, 1, 1))
    homes.allowance(former, child)
    homes.tax(applicant, 1_500_000, dependents=1)
    plan = navigator.plan("divorce", applicant.atena_number, ON, former_spouse=former.atena_number,
                          divorce_kind="agreement", children_stay_with_applicant=True)
    assert set(procedures(plan)) == {
        ("divorce-registration", applicant.atena_number), ("single-parent-allowance", applicant.atena_number),
        ("child-allowance-claim", applicant.atena_number), ("child-allowance-end", former.atena_number)}


def test_a_spouse_in_the_household_who_joins_the_applicants_plan_leaves_nhi(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    applicant = homes.person(home, "世帯主", date(1995, 1, 1))
    partner = homes.person(home, "妻(未届)", date(1996, 1, 1), sex="2")
    homes.nhi(partner)
    plan = navigator.plan("marriage", applicant.atena_number, ON, spouse=partner.atena_number,
                          living_together=True, joins_spouse_employer_plan=partner.atena_number)
    assert procedures(plan) == [("marriage-registration", applicant.atena_number),
                                ("nhi-withdrawal", partner.atena_number)]


def test_a_recipient_whose_children_leave_with_the_other_parent_ends_the_allowance(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    applicant = homes.person(home, "世帯主", date(1984, 1, 1))
    former = homes.person(home, "妻", date(1985, 1, 1), sex="2")
    child = homes.person(home, "子", date(2016, 1, 1))
    homes.allowance(applicant, child)
    plan = navigator.plan("divorce", applicant.atena_number, ON, former_spouse=former.atena_number,
                          divorce_kind="agreement", children_stay_with_applicant=False)
    assert procedures(plan) == [("divorce-registration", applicant.atena_number),
                                ("child-allowance-end", applicant.atena_number)]
