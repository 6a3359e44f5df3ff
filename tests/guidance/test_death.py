"""死亡: the registrations, the insurances that end, the survivors' claims — and their other sides."""

from __future__ import annotations

from datetime import date

from madoguchi.registry.models import JukiRecord

from .conftest import Navigator, procedures
from .households import Households

DIED = date(2025, 5, 20)


def elderly_household(homes: Households) -> tuple[JukiRecord, JukiRecord, JukiRecord, JukiRecord]:
    """A head of 82 (late-elderly, LTC), his wife of 79, their son of 50 and the son's wife."""
    home = homes.household()
    head = homes.person(home, "世帯主", date(1943, 3, 1))
    wife = homes.person(home, "妻", date(1946, 1, 1), sex="2")
    son = homes.person(home, "子", date(1975, 3, 1))
    daughter_in_law = homes.person(home, "子の妻", date(1977, 3, 1), sex="2")
    homes.late_elderly(head)
    homes.late_elderly(wife)
    homes.ltc(head, "要介護2")
    return head, wife, son, daughter_in_law


def test_the_death_of_an_elderly_head_of_household(navigator: Navigator, homes: Households) -> None:
    head, _, son, _ = elderly_household(homes)
    plan = navigator.plan("death", son.atena_number, DIED, deceased=head.atena_number, funeral_held=True,
                          funeral_date="2025-05-24", deceased_received_pension=True)
    assert procedures(plan) == [
        ("death-registration", head.atena_number), ("cremation-permit", head.atena_number),
        ("late-elderly-withdrawal", head.atena_number), ("ltc-withdrawal", head.atena_number),
        ("funeral-expenses", head.atena_number), ("householder-change", son.atena_number),
        ("pension-unpaid", head.atena_number)]
    due = {p.id: p.deadline for p in plan.procedures}
    assert due["death-registration"] == date(2025, 5, 26)  # 7 days counting the day of death
    assert due["cremation-permit"] == due["death-registration"]  # filed with it
    assert due["funeral-expenses"] == date(2027, 5, 24)  # 2 years from the day after the funeral
    assert [n.what for n in plan.no_procedure_needed][0] == "住民票の消除"


def test_the_death_of_a_member_who_is_not_the_head_changes_no_householder(
        navigator: Navigator, homes: Households) -> None:
    _, wife, son, _ = elderly_household(homes)
    plan = navigator.plan("death", son.atena_number, DIED, deceased=wife.atena_number, funeral_held=False,
                          deceased_received_pension=False)
    assert {p.id for p in plan.procedures} == {"death-registration", "cremation-permit",
                                              "late-elderly-withdrawal"}


def test_a_head_who_leaves_only_one_member_of_15_or_over_needs_no_householder_change(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    head = homes.person(home, "世帯主", date(1960, 1, 1))
    wife = homes.person(home, "妻", date(1962, 1, 1), sex="2")
    homes.person(home, "子", date(2010, 5, 21))  # reaches 15 on 2025-05-20, the day of death
    plan = navigator.plan("death", wife.atena_number, DIED, deceased=head.atena_number, funeral_held=False,
                          deceased_received_pension=False)
    assert ("householder-change", wife.atena_number) in procedures(plan)
    plan = navigator.plan("death", wife.atena_number, date(2025, 5, 19), deceased=head.atena_number,
                          funeral_held=False, deceased_received_pension=False)
    assert "householder-change" not in {p.id for p in plan.procedures}  # the child is still 14


def test_a_funeral_without_its_date_is_listed_and_its_deadline_waits_for_the_answer(
        navigator: Navigator, homes: Households) -> None:
    head, _, son, _ = elderly_household(homes)
    plan = navigator.plan("death", son.atena_number, DIED, deceased=head.atena_number, funeral_held=True)
    funeral = next(p for p in plan.procedures if p.id == "funeral-expenses")
    assert (funeral.deadline, funeral.deadline_question) == (None, "funeral_date")
    assert "funeral_date" in plan.questions


def test_a_parent_who_received_child_allowance_leaves_claims_to_the_surviving_parent(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    father = homes.person(home, "世帯主", date(1985, 1, 1))
    mother = homes.person(home, "妻", date(1986, 1, 1), sex="2")
    child = homes.person(home, "子", date(2015, 1, 1))
    homes.allowance(father, child)
    homes.pension(father, "1", since=date(2005, 1, 1))
    homes.nhi(father)
    plan = navigator.plan("death", mother.atena_number, DIED, deceased=father.atena_number, funeral_held=True,
                          funeral_date="2025-05-23", deceased_received_pension=False,
                          survivor_public_servant=False)
    assert procedures(plan) == [  # no 世帯主変更: only the mother remains of those aged 15 or over
        ("death-registration", father.atena_number), ("cremation-permit", father.atena_number),
        ("nhi-withdrawal", father.atena_number), ("funeral-expenses", father.atena_number),
        ("child-allowance-end", father.atena_number), ("child-allowance-claim", mother.atena_number),
        ("survivor-basic-pension", father.atena_number)]
    assert "pension-death-lump-sum" not in {p.id for p in plan.procedures}  # the survivors' pension applies
    public = navigator.plan("death", mother.atena_number, DIED, deceased=father.atena_number,
                            funeral_held=False, deceased_received_pension=False, survivor_public_servant=True)
    assert "child-allowance-claim" not in {p.id for p in public.procedures}


def test_a_category_1_member_without_children_leaves_the_death_lump_sum(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    head = homes.person(home, "世帯主", date(1970, 1, 1))
    wife = homes.person(home, "妻", date(1972, 1, 1), sex="2")
    homes.pension(head, "1", since=date(2022, 5, 20))  # exactly 36 months on the day of death
    plan = navigator.plan("death", wife.atena_number, DIED, deceased=head.atena_number, funeral_held=False,
                          deceased_received_pension=False)
    assert ("pension-death-lump-sum", head.atena_number) in procedures(plan)
    received = navigator.plan("death", wife.atena_number, DIED, deceased=head.atena_number,
                              funeral_held=False, deceased_received_pension=True)
    assert {p.id for p in received.procedures} >= {"pension-unpaid"}
    assert "pension-death-lump-sum" not in {p.id for p in received.procedures}
