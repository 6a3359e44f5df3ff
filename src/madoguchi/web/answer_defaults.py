"""Answers the household or the bundle makes obvious, offered as defaults: the resident confirms instead of answering.

Two kinds, each given only when exactly one answer fits:

* a life event's questions (``default_answers``), from the navigator's
  household facts (the guidance read: birth dates, sex, 続柄, insurance,
  income — never names); keyed by question id, which the catalog keeps fixed
  (docs/catalog.md);
* the values a form asks on the confirmation page (``default_values``), from
  the bundle itself: the event, the answers, who applies, what else is filed
  (a newborn joins National Health Insurance because of the birth) and the
  register's 続柄 of the household's members, which the draft keeps (parents
  married: 嫡出子); keyed by procedure and field id, or by the catalog's
  shared key for a value asked once for several forms.

Either page shows every default with its reason, and the resident can change it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import JsonValue

from madoguchi.catalog.models import Event, Question
from madoguchi.rules import HouseholdFacts, Person
from madoguchi.rules.facts import HEAD, UNREGISTERED, is_spouse_pair
from madoguchi.web.i18n import N_

FEMALE, MALE = "2", "1"
NEWBORN = "newborn"
NOT_KIN = frozenset({"同居人", "縁故者"})
"""続柄 of members who live in the household without being relatives."""


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


@dataclass(frozen=True)
class Bundle:
    """What the confirmation page knows of the bundle: the event, the answers, who applies, what is filed."""

    event: str
    answers: Mapping[str, JsonValue]
    applicant: str
    relationships: Mapping[str, str]
    """The register's 続柄 (to the head) of each member of the applicant's household, by 宛名番号."""
    filed: frozenset[tuple[str, str]]
    """(procedure, subject) of every application of the bundle."""


ValueRule = Callable[[Bundle, str], Default | None]
"""A default for a form's field, given the bundle and the form's subject."""


def default_values(draft: Mapping[str, Any], answers: Mapping[str, JsonValue]) -> dict[str, Default]:
    """The defaults of the draft's inputs (``DraftView.to_json()``), by input key.

    An input filling several fields takes a default only where the rules of those fields agree.
    """
    bundle = Bundle(str(draft["event"]), answers, str(draft["applicant"]), draft.get("relationships") or {},
                    frozenset((p["id"], p["subject"]) for p in draft["plan"]["procedures"]))
    chosen: dict[str, Default] = {}
    for entry in draft["inputs"]:
        shared = SHARED_RULES.get(str(entry["key"]))
        found = shared(bundle, "") if shared is not None else _agreed(
            [rule(bundle, target["subject"]) for target in entry["fields"]
             if (rule := VALUE_RULES.get((target["procedure"], target["field"]))) is not None])
        if found is not None:
            chosen[str(entry["key"])] = found
    return chosen


def _agreed(defaults: Sequence[Default | None]) -> Default | None:
    values = {repr(d.value) for d in defaults if d is not None}
    return defaults[0] if defaults and len(values) == 1 and None not in defaults else None


def _in_event(event: str, value: JsonValue, reason: str) -> ValueRule:
    """The value, in a bundle of this life event."""
    def rule(bundle: Bundle, _: str) -> Default | None:
        return Default(value, reason) if bundle.event == event else None
    return rule


def _joining_at_birth(_: Bundle, subject: str) -> Default | None:
    return Default("birth", N_("a newborn child joins from the day of birth")) if subject == NEWBORN else None


def _insured_as_filed(bundle: Bundle, subject: str) -> Default | None:
    """The child joins National Health Insurance in this same bundle."""
    if ("nhi-enrollment", subject) not in bundle.filed:
        return None
    return Default("nhi", N_("the child joins National Health Insurance with these applications"))


def _informant(bundle: Bundle, _: str) -> Default | None:
    """The applicant reports as the parent the answers name them."""
    for role, reason in (("father", N_("you are the child's father, as you answered")),
                         ("mother", N_("you are the child's mother, as you answered"))):
        if bundle.answers.get(role) == bundle.applicant:
            return Default(role, reason)
    return None


def _married(bundle: Bundle, one: str, other: str, *, to_the_head: bool = False) -> bool:
    """Whether the register's 続柄 make these two members husband and wife by marriage (a partner recorded
    未届 is not married); ``to_the_head``: only as 世帯主 and 妻 or 夫, the pair the register cannot mistake
    (子 and 子の妻 could be another child's wife)."""
    mine, theirs = bundle.relationships.get(one), bundle.relationships.get(other)
    if mine is None or theirs is None or one == other or UNREGISTERED in mine + theirs:
        return False
    return is_spouse_pair(mine, theirs) and (not to_the_head or HEAD in (mine, theirs))


def _kin(relationship: str) -> bool:
    """A 続柄 that names a relative (not 同居人 or 縁故者, not a partner 未届)."""
    return relationship not in NOT_KIN and UNREGISTERED not in relationship


def _born_in_marriage(bundle: Bundle, _: str) -> Default | None:
    """The father and mother answered are married, as the register records: their child is 嫡出子."""
    father, mother = (str(bundle.answers.get(role) or "") for role in ("father", "mother"))
    if not _married(bundle, father, mother):
        return None
    return Default("legitimate", N_("the father and mother are married, as the resident register records"))


def _deceased_head(bundle: Bundle) -> str | None:
    """The 続柄 of the applicant, when the deceased was the head and the applicant their relative."""
    deceased = str(bundle.answers.get("deceased") or "")
    mine = bundle.relationships.get(bundle.applicant, "")
    if bundle.relationships.get(deceased) != HEAD or deceased == bundle.applicant or not _kin(mine):
        return None
    return mine


def _spouse_living(bundle: Bundle, _: str) -> Default | None:
    deceased = str(bundle.answers.get("deceased") or "")
    if not any(_married(bundle, deceased, member, to_the_head=True) for member in bundle.relationships):
        return None
    return Default("living", N_("the husband or wife of the deceased lives in your household"))


def _relative_living_together(bundle: Bundle, _: str) -> Default | None:
    deceased = str(bundle.answers.get("deceased") or "")
    mine, theirs = (bundle.relationships.get(a, "") for a in (bundle.applicant, deceased))
    related = (theirs == HEAD and _kin(mine)) or (mine == HEAD and _kin(theirs))
    if deceased == bundle.applicant or not related:
        return None
    return Default("relative_living_together",
                   N_("you are a relative in the household of the deceased, as the resident register records"))


def _relationship_to_deceased_head(bundle: Bundle, _: str) -> Default | None:
    """The register records each member's 続柄 to the head: to a head who died, that is the applicant's."""
    mine = _deceased_head(bundle)
    if mine is None:
        return None
    return Default(mine, N_("your relationship to the head of household, as the resident register records"))


A_DEATH = N_("you report a death")
VALUE_RULES: dict[tuple[str, str], ValueRule] = {
    ("nhi-enrollment", "reason"): _joining_at_birth,
    ("child-allowance-revision", "reason"): _in_event("birth", "birth", N_("you report a birth")),
    ("child-allowance-revision", "children"): _in_event("birth", [NEWBORN], N_("the child whose birth you report")),
    ("child-medical-subsidy", "insurance_kind"): _insured_as_filed,
    ("birth-registration", "informant_role"): _informant,
    ("birth-registration", "legitimacy"): _born_in_marriage,
    ("death-registration", "spouse_status"): _spouse_living,
    ("death-registration", "informant_role"): _relative_living_together,
    ("nhi-withdrawal", "reason"): _in_event("death", "death", A_DEATH),
    ("late-elderly-withdrawal", "reason"): _in_event("death", "death", A_DEATH),
    ("ltc-withdrawal", "reason"): _in_event("death", "death", A_DEATH),
    # The register's household is how the pension office takes 生計同一, and the deceased is one of yours.
    ("pension-unpaid", "living_together"): _in_event(
        "death", True, N_("the deceased lived in your household, as the resident register records")),
}
SHARED_RULES: dict[str, ValueRule] = {
    "deceased.applicant_relationship": _relationship_to_deceased_head,
}
"""Defaults of a value the bundle's forms share (the catalog's ``shared`` key), asked once."""
