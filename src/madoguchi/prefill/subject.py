"""Whom a form is about: a subject the event's entries for the procedure select, as the rules know them."""

from __future__ import annotations

from madoguchi.guidance.errors import ProcedureNotInEvent
from madoguchi.guidance.situation import Situation
from madoguchi.prefill.errors import SubjectInvalid
from madoguchi.rules import NeedsAnswers, Person, select_subjects


def form_subject(situation: Situation, procedure_id: str, subject: str | None) -> Person:
    """The subject named (a 宛名番号 or a reference), or the only one there is when none is named.

    Raises ProcedureNotInEvent, and SubjectInvalid when the subject is not a
    member of the household, not one the procedure is about in this event, or
    cannot be told until a question is answered.
    """
    event = situation.event
    entries = event.entries_for(procedure_id)
    if not entries:
        raise ProcedureNotInEvent(f"the life event {event.id!r} does not lead to {procedure_id!r}; it leads to: "
                                  f"{', '.join(dict.fromkeys(e.procedure for e in event.entries))}")
    candidates: dict[str, Person] = {}
    needed: set[str] = set()
    for entry in entries:
        chosen = select_subjects(entry.subjects, situation.household, situation.answers)
        if isinstance(chosen, NeedsAnswers):
            needed.update(chosen.questions)
        else:
            candidates.update((person.ref, person) for person in chosen)
    if subject is not None and subject in candidates:
        return candidates[subject]
    if subject is None and len(candidates) == 1:
        return next(iter(candidates.values()))
    if subject is not None and subject.isdigit() and situation.household.member(subject) is None:
        raise SubjectInvalid(f"{subject} is not a member of the applicant's household")
    if not candidates and needed:
        raise SubjectInvalid(f"whom {procedure_id!r} is about is known once these are answered: "
                             f"{', '.join(sorted(needed))}")
    listed = ", ".join(candidates) or "none"
    if subject is None:
        raise SubjectInvalid(f"name the subject of {procedure_id!r}: one of {listed}")
    raise SubjectInvalid(f"{subject} is not a subject of {procedure_id!r} in {event.id!r}; its subjects: {listed}")

