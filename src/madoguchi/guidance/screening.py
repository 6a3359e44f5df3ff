"""Screening the population: every resident for whom a procedure of a life event applies as its applicant.

The rules engine compiles each entry of the procedure in the event to one SQL
statement (docs/rules.md); the residents it finds are the union over the
entries. Nothing leaves the database but their 宛名番号 — and each resident
found gets an access-log entry for ``screening:<procedure>``: that they were
found is a fact about them the operator now holds.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.catalog.models import Catalog
from madoguchi.guidance.errors import ProcedureNotInEvent
from madoguchi.guidance.navigator import income_tables
from madoguchi.guidance.validation import Answers, check_answers, check_event_date, movers_question
from madoguchi.registry.access_log import AccessRecord, append_reads
from madoguchi.registry.items import MY_NUMBER
from madoguchi.registry.policy import authorise_purpose
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.rules import RuleNotScreenable, screen


def screen_event(session: Session, *, actor: Actor, catalog: Catalog, purposes: PurposeRegistry,
                 event_id: str, procedure_id: str, event_date: date, answers: Answers) -> list[str]:
    """The 宛名番号 of every resident the procedure applies to in ``event_id``, ascending.

    The actor must be allowed ``screening:<procedure id>``. Raises EventNotFound,
    ProcedureNotFound, ProcedureNotInEvent, EventDateInvalid, QuestionUnknown,
    AnswerInvalid, PurposeNotAllowed, and RuleNotScreenable for an event whose
    people are not in the hub (a move-in).
    """
    event = catalog.event(event_id)
    procedure = catalog.procedure(procedure_id)
    entries = event.entries_for(procedure.id)
    if not entries:
        raise ProcedureNotInEvent(f"the life event {event.id!r} does not lead to {procedure.id!r}")
    if movers_question(event) is not None:
        raise RuleNotScreenable(f"a {event.id} cannot be screened: the people moving in are not in the hub yet")
    today = clock.today()
    check_event_date(event, event_date, today=today)
    checked = check_answers(event, answers, event_date=event_date, today=today)
    purpose = purposes.resolve(f"screening:{procedure.id}")
    authorise_purpose(actor, purpose)
    tables = income_tables(catalog)
    found: set[str] = set()
    for entry in entries:
        found.update(screen(session, entry.applies_when, event_date=event_date, answers=checked,
                            subjects_selector=entry.subjects, income_tables=tables))
    items = sorted(purpose.readable_items - {MY_NUMBER})
    append_reads(session, record=AccessRecord(actor=actor, purpose=purpose.id, legal_basis=purpose.legal_basis,
                                              my_number_basis=None, as_of=None),
                 reads=[(atena, items) for atena in found])
    return sorted(found)
