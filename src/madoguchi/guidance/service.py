"""The navigator's operations: read a household once for a life event, and plan it."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.catalog.models import Catalog
from madoguchi.guidance.errors import ApplicantInvalid
from madoguchi.guidance.household import GUIDANCE_ITEMS, household_facts
from madoguchi.guidance.language import Lang
from madoguchi.guidance.navigator import decide_plan
from madoguchi.guidance.schemas import Plan
from madoguchi.guidance.situation import Situation
from madoguchi.guidance.validation import (
    Answers,
    check_answers,
    check_event_date,
    check_members,
    movers_question,
)
from madoguchi.registry.fetched import Fetched
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.registry.service import view_person
from madoguchi.rules import movers_household
from madoguchi.vault import Vault

NOT_IN_HUB = "-"
"""The applicant of a move-in: people not in the hub yet."""


def plan_event(session: Session, *, actor: Actor, catalog: Catalog, purposes: PurposeRegistry, vault: Vault,
               event_id: str, applicant: str | None, event_date: date, answers: Answers,
               lang: Lang = "ja") -> Plan:
    """Every procedure ``event_id`` leads to for the applicant's household, with deadlines and reasons.

    Reads the household once (one access-log entry per member, purpose
    ``guidance:<event id>``). Raises EventNotFound, EventDateInvalid,
    QuestionUnknown, AnswerInvalid / NotAMember (naming the question),
    ApplicantInvalid, and the data API's PersonNotFound, PurposeNotAllowed.
    """
    situation = read_situation(session, actor=actor, catalog=catalog, purposes=purposes, vault=vault,
                               event_id=event_id, applicant=applicant, event_date=event_date,
                               answers=answers)
    return decide_plan(catalog, situation.event, situation.household, situation.answers,
                       applicant=situation.applicant, lang=lang)


def read_situation(session: Session, *, actor: Actor, catalog: Catalog, purposes: PurposeRegistry,
                   vault: Vault, event_id: str, applicant: str | None, event_date: date,
                   answers: Answers) -> Situation:
    """Check the input, then read the household (none for a move-in); raises as ``plan_event``."""
    event = catalog.event(event_id)
    today = clock.today()
    check_event_date(event, event_date, today=today)
    checked = check_answers(event, answers, event_date=event_date, today=today)
    applicant = None if not applicant or applicant == NOT_IN_HUB else applicant
    movers = movers_question(event)
    if movers is not None:
        if applicant is not None:
            raise ApplicantInvalid(f"a {event.id} is applied for by people not in the hub yet: "
                                   f"give {NOT_IN_HUB!r} as the applicant, and the people as {movers.id!r}")
        given = checked.get(movers.id)
        people = [m for m in given if isinstance(m, dict)] if isinstance(given, list) else []
        return Situation(event, None, movers_household(event_date, people), checked)
    if applicant is None:
        raise ApplicantInvalid(f"the life event {event.id!r} needs the applicant's 宛名番号")
    fetched = Fetched()
    view = view_person(session, actor=actor, atena_number=applicant, purpose=f"guidance:{event.id}",
                       purposes=purposes, vault=vault, items=GUIDANCE_ITEMS, fetched=fetched)
    household = household_facts(view, event_date)
    check_members(event, checked, household)
    return Situation(event, applicant, household, checked, fetched)
