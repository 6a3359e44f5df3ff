"""Answers the household makes obvious, offered as defaults: the resident confirms them instead of answering.

Each rule reads the navigator's household facts (the guidance read: birth
dates, sex, 続柄, insurance, income — never names) and gives an answer only
when exactly one answer fits; otherwise the question is asked. The page shows
every default with its reason, and the resident can change it. Rules are
keyed by question id: the catalog keeps question ids fixed (docs/catalog.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import JsonValue

from madoguchi.catalog.models import Event, Question
from madoguchi.rules import HouseholdFacts, Person
from madoguchi.web.i18n import N_

FEMALE, MALE = "2", "1"


@dataclass(frozen=True)
class Default:
    value: JsonValue
    reason: str
    """Why this answer, as a message id (translated where it is shown)."""


Rule = Callable[[HouseholdFacts, Mapping[str, JsonValue]], Default | None]


def default_answers(event: Event, household: HouseholdFacts) -> dict[str, Default]:
    """The defaults for the event's questions, in order (a later rule may use an earlier default)."""
    chosen: dict[str, Default] = {}
    for question in event.questions:
        rule = RULES.get(question.id) or _alone(question)
        found = rule(household, {key: d.value for key, d in chosen.items()}) if rule is not None else None
        if found is not None:
            chosen[question.id] = found
    return chosen


def _couple(household: HouseholdFacts) -> list[Person]:
    """The applicant and their spouse in the household (the register's 続柄 tells spouses apart)."""
    if household.applicant is None:
        return []
    return [household.applicant, *(m for m in household.members if m.is_applicant_spouse)]


def _parent(sex: str, reason: str) -> Rule:
    """A married couple in the household: the parent of this sex is the one of them who has it."""
    def rule(household: HouseholdFacts, _: Mapping[str, JsonValue]) -> Default | None:
        couple = _couple(household)
        found = [p for p in couple if p.sex == sex]
        return Default(found[0].atena, reason) if len(couple) == 2 and len(found) == 1 else None
    return rule


def _claimant(household: HouseholdFacts, answers: Mapping[str, JsonValue]) -> Default | None:
    """The parent already paid child allowance; else the one with the higher income (the allowance's rule)."""
    parents = [m for key in ("mother", "father") if (m := household.member(str(answers.get(key) or "")))]
    receiving = [p for p in parents if p.child_allowance_recipient]
    if len(receiving) == 1:
        return Default(receiving[0].atena, N_("already receives child allowance for your household"))
    if len(parents) == 1:
        return Default(parents[0].atena, N_("the only parent in your household"))
    if len(parents) == 2 and parents[0].income != parents[1].income:
        higher = max(parents, key=lambda p: p.income)
        return Default(higher.atena, N_("the parent with the higher income, as the rule says"))
    return None


def _not_public_servant(person_question: str) -> Rule:
    """Someone insured by National Health Insurance is no public servant (those have their mutual-aid
    association's insurance)."""
    def rule(household: HouseholdFacts, answers: Mapping[str, JsonValue]) -> Default | None:
        person = household.member(str(answers.get(person_question) or ""))
        if person is None or not person.nhi:
            return None
        return Default(False, N_("insured by National Health Insurance, which public servants are not"))
    return rule


def _not_single_parent(household: HouseholdFacts, _: Mapping[str, JsonValue]) -> Default | None:
    if len(_couple(household)) < 2:
        return None
    return Default(False, N_("your spouse lives in your household"))


def _alone(question: Question) -> Rule | None:
    """A person question in a household of one: it can only be the applicant."""
    if question.type not in ("person", "persons"):
        return None

    def rule(household: HouseholdFacts, _: Mapping[str, JsonValue]) -> Default | None:
        if household.applicant is None or len(household.members) != 1:
            return None
        atena = household.applicant.atena
        return Default(atena if question.type == "person" else [atena], N_("you live alone"))
    return rule


RULES: dict[str, Rule] = {
    "mother": _parent(FEMALE, N_("the woman of the married couple in your household")),
    "father": _parent(MALE, N_("the man of the married couple in your household")),
    "claimant": _claimant,
    "claimant_public_servant": _not_public_servant("claimant"),
    "single_parent": _not_single_parent,
}
