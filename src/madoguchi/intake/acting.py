"""Who may apply for whom: the applicant's relation to a subject, checked against the procedure's applicants.

The navigator already chooses subjects from the applicant's household; this
is the second, independent check the intake makes before it accepts an
application — the 2020 benefit's lesson that a form filed by someone who may
not file it costs more than a refusal at the door.
"""

from __future__ import annotations

from enum import StrEnum

from madoguchi.guidance.situation import Situation
from madoguchi.rules.lawdates import reached


class Relation(StrEnum):
    SELF = "self"
    EVENT_PERSON = "event_person"
    """A person the event itself brings and the hub does not hold yet (the newborn, a mover, a spouse-to-be)."""
    MINOR = "minor"
    """A minor of the applicant's household."""
    MEMBER = "member"
    """An adult of the applicant's household."""


ADULT_AGE = 18

MAY_ACT: dict[Relation, frozenset[str]] = {
    Relation.MINOR: frozenset({"parent_of_minor", "household_member", "householder", "legal_representative",
                               "relative", "cohabitant", "survivor", "funeral_host"}),
    Relation.MEMBER: frozenset({"household_member", "householder", "cohabitant", "relative", "spouse",
                                "survivor", "funeral_host", "legal_representative"}),
}
"""The applicant kinds (catalog ``applicants``) that allow filing for another person of the household.

One may always file about oneself. ``proxy`` (任意代理人) needs a 委任状 the counter checks: online it covers only
the applicant's own filing. The kinds that name a role in the event
(``survivor``, ``funeral_host``) cover the household member the event is about.
"""


def relation_to(situation: Situation, subject: str) -> Relation:
    """The applicant's relation to a form's subject (a 宛名番号 or an event reference)."""
    applicant = situation.household.applicant
    if applicant is not None and subject == applicant.atena:
        return Relation.SELF
    member = situation.household.member(subject)
    if member is None:
        return Relation.EVENT_PERSON
    if member.birth_date is not None and not reached(member.birth_date, situation.on, ADULT_AGE):
        return Relation.MINOR
    return Relation.MEMBER


def may_act_for(applicants: tuple[str, ...], relation: Relation) -> bool:
    if relation in (Relation.SELF, Relation.EVENT_PERSON):
        return True
    return bool(MAY_ACT[relation] & set(applicants))
