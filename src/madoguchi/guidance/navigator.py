"""Deciding a plan: each entry of the event, for each of its subjects, applies or not — or cannot tell yet.

Pure: the household's facts and the answers in, the `Plan` out. An entry's
subjects come from its selector; its rule runs once per subject. A rule (or
a selector) that needs an unanswered question puts the procedure under
``needs_answers`` — never silently applied or dropped; one that asks the age
of someone whose birth date is unknown under ``needs_staff_check``.
"""

from __future__ import annotations

from datetime import date

from madoguchi.catalog.deadline import entry_due_date
from madoguchi.catalog.errors import DeadlineNeedsAnswer
from madoguchi.catalog.models import Catalog, Entry, Event
from madoguchi.guidance import schemas
from madoguchi.guidance.language import Lang, say
from madoguchi.guidance.validation import Answers
from madoguchi.prefill.paper import paper_characters
from madoguchi.rules import (
    HouseholdFacts,
    IncomeTable,
    NeedsAnswers,
    NeedsStaffCheck,
    Person,
    evaluate,
    income_tables_from_catalog,
    select_subjects,
)


def decide_plan(catalog: Catalog, event: Event, household: HouseholdFacts, answers: Answers, *,
                applicant: str | None, lang: Lang) -> schemas.Plan:
    """The plan of ``event`` for ``household`` on its date (``household.on``) with these answers."""
    tables = income_tables(catalog)
    planned: dict[tuple[str, str], schemas.PlannedProcedure] = {}
    needs: dict[str, set[str]] = {}
    staff: list[schemas.NeedsStaffCheck] = []
    for entry in event.entries:
        subjects = select_subjects(entry.subjects, household, answers)
        if isinstance(subjects, NeedsAnswers):
            needs.setdefault(entry.procedure, set()).update(subjects.questions)
            continue
        for subject in subjects:
            outcome = evaluate(entry.applies_when, household, subject=subject, answers=answers,
                               income_tables=tables)
            if outcome is True:
                planned.setdefault((entry.procedure, subject.ref),
                                   _planned(catalog, event, entry, subject, answers, household.on, lang))
            elif isinstance(outcome, NeedsAnswers):
                needs.setdefault(entry.procedure, set()).update(outcome.questions)
            elif isinstance(outcome, NeedsStaffCheck):
                staff.append(schemas.NeedsStaffCheck(procedure=entry.procedure, subject=subject.ref,
                                                     persons=list(outcome.persons)))
    plan = schemas.Plan(
        event=event.id, date=household.on, applicant=applicant, lang=lang,
        procedures=list(planned.values()),
        no_procedure_needed=[
            schemas.NoProcedureNeeded(what=say(a.what, lang), reason=say(a.reason, lang))
            for a in event.automatic
            if a.applies_when is None
            or evaluate(a.applies_when, household, answers=answers, income_tables=tables) is True],
        needs_answers=[schemas.NeedsAnswers(procedure=p, questions=sorted(q)) for p, q in needs.items()],
        needs_staff_check=staff,
        questions=[q.id for q in event.questions if q.id not in answers and (
            q.asked_when is None
            or evaluate(q.asked_when, household, answers=answers, income_tables=tables) is not False)],
    )
    plan.paper_chars = paper_characters(catalog, plan)
    return plan


def income_tables(catalog: Catalog) -> dict[str, IncomeTable]:
    """The catalog's tables keyed by dependents, as ``income_limit`` reads them."""
    return income_tables_from_catalog(t.model_dump() for t in catalog.tables.values())


def _planned(catalog: Catalog, event: Event, entry: Entry, subject: Person, answers: Answers,
             on: date, lang: Lang) -> schemas.PlannedProcedure:
    procedure = catalog.procedure(entry.procedure)
    deadline, question = _deadline(catalog, event, entry, answers, on)
    return schemas.PlannedProcedure(
        id=procedure.id, name=say(procedure.name, lang), subject=subject.ref,
        department=procedure.department, department_name=say(catalog.department(procedure.department).name, lang),
        deadline=deadline, deadline_kind=entry.deadline.kind, deadline_question=question,
        reason=say(entry.reason, lang), optional=entry.optional)


def _deadline(catalog: Catalog, event: Event, entry: Entry, answers: Answers,
              on: date) -> tuple[date | None, str | None]:
    """The due date, or the unanswered question it is counted from; ``with`` takes the other procedure's."""
    if entry.deadline.kind == "with":
        partner = next((e for e in event.entries if e.procedure == entry.deadline.with_procedure), None)
        return _deadline(catalog, event, partner, answers, on) if partner is not None else (None, None)
    try:
        return entry_due_date(catalog, entry, event_date=on, answers=answers), None
    except DeadlineNeedsAnswer as missing:
        return None, missing.question
