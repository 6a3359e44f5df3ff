from __future__ import annotations

from datetime import date

import pytest

from madoguchi.rules.errors import AnswerInvalid, NotAMember
from madoguchi.rules.facts import HouseholdFacts, Person
from madoguchi.rules.outcome import NeedsAnswers
from madoguchi.rules.subjects import select_subjects

ON = date(2025, 4, 1)


def household() -> HouseholdFacts:
    members = tuple(Person(a, date(1980, 1, 1), atena=a, is_applicant=a == "A1") for a in ("A1", "A2", "A3"))
    return HouseholdFacts(ON, members[0], members)


def refs(found: object) -> list[str]:
    assert isinstance(found, list)
    return [p.ref for p in found]


def test_the_applicant_and_the_newborn() -> None:
    assert refs(select_subjects("applicant", household(), {})) == ["A1"]
    assert refs(select_subjects("newborn", household(), {})) == ["newborn"]


def test_a_named_subject_needs_its_answer() -> None:
    assert select_subjects("deceased", household(), {}) == NeedsAnswers(("deceased",))
    assert refs(select_subjects("deceased", household(), {"deceased": "A2"})) == ["A2"]
    assert refs(select_subjects("mother", household(), {"mother": ""})) == []


def test_a_named_subject_outside_the_household_is_refused() -> None:
    with pytest.raises(NotAMember):
        select_subjects("claimant", household(), {"claimant": "B1"})


def test_the_household_except_the_deceased() -> None:
    assert refs(select_subjects("household_except_deceased", household(), {"deceased": "A2"})) == ["A1", "A3"]
    assert select_subjects("household_except_deceased", household(), {}) == NeedsAnswers(("deceased",))


def test_listed_persons_and_movers() -> None:
    assert refs(select_subjects("persons", household(), {"persons": ["A3", "A2"]})) == ["A3", "A2"]
    movers = select_subjects("movers", household(), {"movers": [{"birth_date": "2000-01-01"}]})
    assert refs(movers) == ["mover:0"]
    with pytest.raises(AnswerInvalid, match="expected a list"):
        select_subjects("persons", household(), {"persons": "A2"})


def test_a_spouse_from_elsewhere_is_a_person_of_the_answer() -> None:
    found = select_subjects("spouse", household(), {"spouse": {"family_name": "佐藤", "birth_date": "1990-02-01"}})
    assert isinstance(found, list)
    assert (found[0].ref, found[0].birth_date) == ("spouse", date(1990, 2, 1))
    with pytest.raises(AnswerInvalid, match="is not a date"):
        select_subjects("spouse", household(), {"spouse": {"birth_date": "1990-13-01"}})


def test_an_unknown_selector_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown subjects selector"):
        select_subjects("neighbours", household(), {})
