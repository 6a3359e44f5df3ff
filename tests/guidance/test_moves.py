"""転入, 転出, 転居: per-mover procedures, the once-per-household notification, what needs no procedure."""

from __future__ import annotations

from datetime import date

import pytest

from madoguchi.guidance.errors import ApplicantInvalid, EventDateInvalid

from .conftest import Navigator, needs, procedures
from .households import Households

MOVED = date(2025, 5, 26)


def mover(born: str, relationship: str, **more: object) -> dict[str, object]:
    return {"family_name": "山田", "given_name": "一", "birth_date": born, "relationship": relationship, **more}


def test_a_household_moving_in_gets_the_procedures_of_each_movers_age(navigator: Navigator) -> None:
    movers = [mover("1985-04-01", "世帯主", employer_insurance=True), mover("1987-04-01", "妻"),
              mover("2017-04-01", "子"), mover("1950-05-26", "母")]
    # mover:0 is in an employer's plan, mover:3 is 75: no NHI for them; mover:2 is 8: no seal.
    plan = navigator.plan("move-in", "-", MOVED, previous_address="札幌市中央区北1条西2丁目", movers=movers)
    assert procedures(plan) == [
        ("move-in-notification", "mover:0"),
        ("nhi-enrollment", "mover:1"), ("nhi-enrollment", "mover:2"),
        ("child-allowance-claim", "mover:0"), ("child-allowance-claim", "mover:1"),
        ("child-medical-subsidy", "mover:2"), ("school-transfer-in", "mover:2"),
        ("ltc-enrollment", "mover:3"), ("late-elderly-enrollment", "mover:3"),
        ("seal-registration", "mover:0"), ("seal-registration", "mover:1"), ("seal-registration", "mover:3")]
    assert next(p for p in plan.procedures if p.id == "move-in-notification").deadline == date(2025, 6, 9)
    assert all(p.optional for p in plan.procedures if p.id == "seal-registration")
    assert plan.applicant is None and plan.questions == ["new_address"]
    servant = navigator.plan("move-in", "-", MOVED, movers=[mover("1985-04-01", "世帯主", public_servant=True),
                                                            mover("2017-04-01", "子")])
    assert "child-allowance-claim" not in {p.id for p in servant.procedures}


def test_a_move_in_without_its_movers_needs_them_for_every_procedure(navigator: Navigator) -> None:
    plan = navigator.plan("move-in", "-", MOVED)
    assert plan.procedures == []
    assert set(needs(plan)) == {e.procedure for e in navigator.serving.store.current.event("move-in").entries}
    assert all(questions == ["movers"] for questions in needs(plan).values())


def test_a_move_in_is_applied_for_without_an_applicant_in_the_hub(
        navigator: Navigator, homes: Households) -> None:
    someone = homes.person(homes.household(), "世帯主", date(1980, 1, 1))
    with pytest.raises(ApplicantInvalid, match="give '-'"):
        navigator.plan("move-in", someone.atena_number, MOVED, movers=[mover("1980-01-01", "世帯主")])
    with pytest.raises(ApplicantInvalid, match="needs the applicant"):
        navigator.plan("birth", "-", MOVED)


def test_moving_out_ends_what_the_movers_hold_here(navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    mother = homes.person(home, "世帯主", date(1987, 1, 1), sex="2")
    child = homes.person(home, "子", date(2015, 1, 1))
    grandmother = homes.person(home, "母", date(1948, 1, 1), sex="2")
    staying = homes.person(home, "兄", date(1984, 1, 1))
    homes.nhi(mother)
    homes.nhi(staying)
    homes.allowance(mother, child)
    homes.late_elderly(grandmother)
    homes.ltc(grandmother, "要支援1")
    plan = navigator.plan("move-out", mother.atena_number, date(2025, 7, 1), new_address="札幌市",
                          movers=[mother.atena_number, child.atena_number, grandmother.atena_number])
    assert procedures(plan) == [
        ("move-out-notification", mother.atena_number), ("nhi-withdrawal", mother.atena_number),
        ("child-allowance-end", mother.atena_number), ("school-transfer-out", child.atena_number),
        ("ltc-withdrawal", grandmother.atena_number), ("late-elderly-withdrawal", grandmother.atena_number)]
    assert [n.what for n in plan.no_procedure_needed] == ["印鑑登録の廃止"]


def test_a_move_out_may_be_notified_30_days_ahead_and_no_more(
        navigator: Navigator, homes: Households) -> None:
    someone = homes.person(homes.household(), "世帯主", date(1980, 1, 1))
    assert navigator.plan("move-out", someone.atena_number, date(2025, 7, 1)).procedures  # today + 30
    with pytest.raises(EventDateInvalid, match="at most 30 days"):
        navigator.plan("move-out", someone.atena_number, date(2025, 7, 2))
    with pytest.raises(EventDateInvalid, match="in the future"):
        navigator.plan("move-within", someone.atena_number, date(2025, 6, 2))


def test_moving_within_the_city_changes_school_only_when_the_district_changes(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    mother = homes.person(home, "世帯主", date(1987, 1, 1), sex="2")
    pupil = homes.person(home, "子", date(2013, 1, 1))
    homes.nhi(mother)
    movers = [mother.atena_number, pupil.atena_number]
    changes = navigator.plan("move-within", mother.atena_number, MOVED, new_address="北見市北進町1-1",
                             movers=movers, school_district_changes=True)
    assert procedures(changes) == [("address-change-notification", mother.atena_number),
                                   ("school-change", pupil.atena_number)]
    assert [n.what for n in changes.no_procedure_needed] == ["国民健康保険の住所"]
    same = navigator.plan("move-within", mother.atena_number, MOVED, new_address="北見市北進町1-1",
                          movers=movers, school_district_changes=False)
    assert procedures(same) == [("address-change-notification", mother.atena_number)]


def test_the_school_district_question_is_asked_only_of_a_household_with_a_pupil(
        navigator: Navigator, homes: Households) -> None:
    alone = homes.person(homes.household(), "世帯主", date(1980, 1, 1))
    plan = navigator.plan("move-within", alone.atena_number, MOVED)
    assert plan.questions == ["new_address", "movers"]
    assert plan.no_procedure_needed == []
