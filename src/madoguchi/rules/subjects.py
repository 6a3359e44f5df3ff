"""Who the applications of an entry are about: the ``subjects:`` selectors of docs/rules.md."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from madoguchi.rules.errors import AnswerInvalid, NotAMember
from madoguchi.rules.facts import HouseholdFacts, Person, newborn, person_from_answer
from madoguchi.rules.outcome import NeedsAnswers
from madoguchi.rules.vocabulary import ANSWER_PERSONS

LISTED = ("persons", "movers")
SELECTORS = ("applicant", "newborn", *ANSWER_PERSONS, "spouse", *LISTED, "household",
             "household_except_deceased")


def answered_member(household: HouseholdFacts, question: str, value: Any) -> Person | None:
    """The member an answer names by 宛名番号; None for the empty answer (no one).

    Raises AnswerInvalid when the answer is not a string, NotAMember when it names
    no member the applicant may see.
    """
    if not isinstance(value, str):
        raise AnswerInvalid(question, f"expected a 宛名番号, not {value!r}")
    if value == "":
        return None
    member = household.member(value)
    if member is None:
        raise NotAMember(question, f"{value} is not a member of the household")
    return member


def answered_person(question: str, ref: str, entry: Mapping[str, Any]) -> Person:
    """A person given in full in an answer (a spouse from elsewhere, a mover)."""
    try:
        return person_from_answer(ref, entry)
    except ValueError:
        raise AnswerInvalid(question, f"birth_date {entry.get('birth_date')!r} is not a date") from None


def select_subjects(selector: str, household: HouseholdFacts,
                    answers: Mapping[str, Any]) -> list[Person] | NeedsAnswers:
    """The candidates the entry's rule runs for, or the answer still needed to know them.

    Raises AnswerInvalid on an answer that names no one usable, ValueError on an
    unknown selector.
    """
    if selector not in SELECTORS:
        raise ValueError(f"unknown subjects selector {selector!r}; known: {', '.join(SELECTORS)}")
    if selector == "applicant":
        if household.applicant is not None:
            return [household.applicant]
        # A move-in: the movers are the household and the first of them applies (mover:0).
        return list(household.members[:1]) if household.members else NeedsAnswers(("movers",))
    if selector == "newborn":
        return [newborn(household.on)]
    if selector == "household":
        return list(household.members)
    question = "deceased" if selector == "household_except_deceased" else selector
    if question not in answers:
        return NeedsAnswers((question,))
    value = answers[question]
    if selector == "household_except_deceased":
        deceased = answered_member(household, question, value)
        return [m for m in household.members if deceased is None or m.atena != deceased.atena]
    if selector in LISTED:
        return _listed(household, question, value)
    if selector == "spouse" and isinstance(value, Mapping):
        return [answered_person(question, "spouse", value)]
    member = answered_member(household, question, value)
    return [] if member is None else [member]


def _listed(household: HouseholdFacts, question: str, value: Any) -> list[Person]:
    """Members listed by 宛名番号, or for a move-in the movers given in full (``mover:N``)."""
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise AnswerInvalid(question, f"expected a list, not {value!r}")
    found: list[Person] = []
    for n, entry in enumerate(value):
        if isinstance(entry, Mapping):
            found.append(answered_person(question, f"mover:{n}", entry))
        else:
            member = answered_member(household, question, entry)
            if member is not None:
                found.append(member)
    return found
