"""The navigator's reads and refusals: one logged read of the household per plan, bad input named."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from madoguchi.actor import Actor
from madoguchi.catalog.errors import EventNotFound
from madoguchi.guidance.errors import ApplicantInvalid, QuestionUnknown
from madoguchi.guidance.household import GUIDANCE_ITEMS
from madoguchi.registry.errors import PersonNotFound
from madoguchi.rules import AnswerInvalid, NotAMember

from .conftest import Navigator, procedures
from .households import Households

ON = date(2025, 5, 26)


def test_a_plan_reads_the_household_once_with_the_guidance_purpose(
        navigator: Navigator, homes: Households) -> None:
    family = homes.birth_family()
    navigator.plan("birth", family.father.atena_number, ON, mother=family.mother.atena_number)
    entries = navigator.log()
    assert sorted(e.subject for e in entries) == sorted(
        p.atena_number for p in (family.father, family.mother, family.son))
    assert {(e.purpose, e.actor_kind, e.actor_id) for e in entries} == {("guidance:birth", "operator", "counter-1")}
    applicant = next(e for e in entries if e.subject == family.father.atena_number)
    assert sorted(applicant.items) == sorted(GUIDANCE_ITEMS)
    assert all("my_number" not in e.items for e in entries)
    assert applicant.legal_basis.startswith("個人情報保護法第69条第2項第2号")


def test_a_member_under_a_support_measure_never_appears_in_a_plan(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    worker = homes.person(home, "世帯主", date(1980, 1, 1))
    hidden = homes.person(home, "子", date(2012, 1, 1), support_measure=True)
    plan = navigator.plan("job-loss", worker.atena_number, ON, person=worker.atena_number)
    assert procedures(plan) == [("nhi-enrollment", worker.atena_number)]
    assert hidden.atena_number not in plan.model_dump_json()
    assert hidden.atena_number not in {e.subject for e in navigator.log()}
    with pytest.raises(NotAMember) as refused:
        navigator.plan("job-start", worker.atena_number, ON, persons=[hidden.atena_number])
    assert refused.value.detail == f"answer 'persons': {hidden.atena_number} is not a member of the applicant's household"


@pytest.mark.parametrize(("answers", "error", "named"), [
    ({"mood": "happy"}, QuestionUnknown, "'mood'"),
    ({"claimant_public_servant": "no"}, AnswerInvalid, "'claimant_public_servant'"),
    ({"lump_sum_direct_payment": "most"}, AnswerInvalid, "'lump_sum_direct_payment'"),
    ({"claimant": ""}, AnswerInvalid, "'claimant'"),
    ({"mother": 12}, AnswerInvalid, "'mother'"),
    ({"claimant": "0000099992"}, NotAMember, "'claimant'"),
])
def test_bad_answers_are_refused_naming_the_question(
        navigator: Navigator, homes: Households, answers: dict[str, object], error: type[Exception],
        named: str) -> None:
    family = homes.birth_family()
    with pytest.raises(error, match=named):
        navigator.plan("birth", family.father.atena_number, ON, **answers)  # type: ignore[arg-type]


@pytest.mark.parametrize(("answers", "named"), [
    ({"movers": []}, "one or more"),
    ({"movers": [{"birth_date": "2025-06-01"}]}, "after the event date"),
    ({"movers": [{"birth_date": "1990-02-30"}]}, "YYYY-MM-DD"),
    ({"movers": [{"height": 170}]}, "unknown height"),
    ({"movers": [{"sex": "3"}]}, "expected one of 1, 2"),
    ({"movers": [{"public_servant": "yes"}]}, "true or false"),
])
def test_bad_movers_are_refused_naming_the_entry(navigator: Navigator, answers: dict[str, object],
                                                 named: str) -> None:
    with pytest.raises(AnswerInvalid, match=named):
        navigator.plan("move-in", "-", ON, **answers)  # type: ignore[arg-type]


def test_a_date_answer_in_the_future_is_refused(navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    head = homes.person(home, "世帯主", date(1950, 1, 1))
    wife = homes.person(home, "妻", date(1952, 1, 1), sex="2")
    with pytest.raises(AnswerInvalid, match="funeral_date"):
        navigator.plan("death", wife.atena_number, ON, deceased=head.atena_number, funeral_held=True,
                       funeral_date="2025-06-02")


def test_an_unknown_event_an_unknown_applicant_and_one_who_moved_away_are_refused(
        navigator: Navigator, homes: Households) -> None:
    with pytest.raises(EventNotFound, match="no life event 'graduation'"):
        navigator.plan("graduation", "0000099992", ON)
    with pytest.raises(PersonNotFound):
        navigator.plan("birth", "0000099992", ON)
    gone = homes.person(homes.household(), "世帯主", date(1980, 1, 1), status="2")
    with pytest.raises(ApplicantInvalid, match="does not live in the city"):
        navigator.plan("birth", gone.atena_number, ON)
    assert [e.subject for e in navigator.log()] == [gone.atena_number]  # the read that found it



def test_a_resident_plans_with_their_household_as_the_counter_would(
        navigator: Navigator, homes: Households) -> None:
    family = homes.birth_family()
    resident = dataclasses.replace(navigator, actor=Actor.resident(family.father.atena_number))
    by_counter = navigator.plan("birth", family.father.atena_number, ON, mother=family.mother.atena_number)
    by_resident = resident.plan("birth", family.father.atena_number, ON, mother=family.mother.atena_number)
    assert procedures(by_resident) == procedures(by_counter)
    residents_reads = [e for e in navigator.log() if e.actor_kind == "resident"]
    assert sorted(e.subject for e in residents_reads) == sorted(
        p.atena_number for p in (family.father, family.mother, family.son))
