"""Prefill's operations: one form of a life event, or every form of its plan as one bundle."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from madoguchi.actor import Actor
from madoguchi.catalog.models import Catalog, FormField, Procedure
from madoguchi.guidance.language import Lang, say
from madoguchi.guidance.navigator import decide_plan, income_tables
from madoguchi.guidance.service import read_situation
from madoguchi.guidance.situation import Situation
from madoguchi.guidance.validation import Answers
from madoguchi.prefill.fill import FormContext, fill_field
from madoguchi.prefill.persons import APPLICANT, SUBJECT, Who, named_by, who_is
from madoguchi.prefill.reads import items_to_read
from madoguchi.prefill.schemas import FilledBundle, FilledForm
from madoguchi.prefill.shared import share_values
from madoguchi.prefill.source import HeadItem, Item, Source, Whole, source_of
from madoguchi.prefill.subject import form_subject
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.registry.service import PersonRead, view_persons
from madoguchi.rules import IncomeTable, Person, evaluate
from madoguchi.vault import Vault


def prefill_form(session: Session, *, actor: Actor, catalog: Catalog, purposes: PurposeRegistry, vault: Vault,
                 event_id: str, procedure_id: str, applicant: str | None, subject: str | None,
                 event_date: date, answers: Answers, lang: Lang = "ja") -> FilledForm:
    """Every field of the procedure's form for the subject, with its value and source or why to type it.

    Reads the household once for the event (``guidance:<event id>``), then each
    person the form needs once, for ``procedure:<procedure id>`` and only the
    items its fields name. ``subject`` may be left out when the procedure has one
    subject in this event. Raises as ``plan_event``, and ProcedureNotFound,
    ProcedureNotInEvent, SubjectInvalid.
    """
    procedure = catalog.procedure(procedure_id)
    situation = read_situation(session, actor=actor, catalog=catalog, purposes=purposes, vault=vault,
                               event_id=event_id, applicant=applicant, event_date=event_date, answers=answers)
    person = form_subject(situation, procedure.id, subject)
    [form] = _fill_forms(session, actor=actor, catalog=catalog, purposes=purposes, vault=vault,
                         situation=situation, wanted=[(procedure, person)], lang=lang)
    return form


def prefill_bundle(session: Session, *, actor: Actor, catalog: Catalog, purposes: PurposeRegistry, vault: Vault,
                   event_id: str, applicant: str | None, event_date: date, answers: Answers,
                   lang: Lang = "ja") -> FilledBundle:
    """The plan, the form of each of its procedures, and what the resident still gives — shared values once.

    Reads as ``prefill_form`` does, the household once for the whole bundle,
    and the forms' persons together (one read of a person per procedure).
    Raises as ``plan_event``.
    """
    situation = read_situation(session, actor=actor, catalog=catalog, purposes=purposes, vault=vault,
                               event_id=event_id, applicant=applicant, event_date=event_date, answers=answers)
    return fill_bundle(session, actor=actor, catalog=catalog, purposes=purposes, vault=vault,
                       situation=situation, lang=lang)


def fill_bundle(session: Session, *, actor: Actor, catalog: Catalog, purposes: PurposeRegistry, vault: Vault,
                situation: Situation, lang: Lang = "ja") -> FilledBundle:
    """``prefill_bundle`` for a situation already read (the intake keeps it to check who acts for whom)."""
    plan = decide_plan(catalog, situation.event, situation.household, situation.answers,
                       applicant=situation.applicant, lang=lang)
    wanted = [(catalog.procedure(planned.id), form_subject(situation, planned.id, planned.subject))
              for planned in plan.procedures]
    forms = _fill_forms(session, actor=actor, catalog=catalog, purposes=purposes, vault=vault,
                        situation=situation, wanted=wanted, lang=lang)
    filled, inputs = share_values(forms, situation)
    return FilledBundle(plan=plan, forms=filled, inputs=inputs, paper_chars=plan.paper_chars)


@dataclass(frozen=True)
class _Form:
    """A form before it is filled: the fields shown, where each comes from, whom it speaks of, whom it reads."""

    procedure: Procedure
    subject: Person
    fields: list[FormField]
    sources: list[Source]
    persons: dict[str, Who]
    reads: list[PersonRead]


def _fill_forms(session: Session, *, actor: Actor, catalog: Catalog, purposes: PurposeRegistry, vault: Vault,
                situation: Situation, wanted: Sequence[tuple[Procedure, Person]], lang: Lang) -> list[FilledForm]:
    """The forms of these (procedure, subject), their persons read in one batch of the data API."""
    tables = income_tables(catalog)
    head = next((m.atena for m in situation.household.members if m.is_head), None)
    forms = [_form(catalog, purposes, situation, procedure, subject, head, tables) for procedure, subject in wanted]
    answered = iter(view_persons(session, actor=actor, reads=[read for form in forms for read in form.reads],
                                 purposes=purposes, vault=vault, fetched=situation.fetched))
    filled: list[FilledForm] = []
    for form in forms:  # the views come back in the order the reads were asked
        views = {read.atena_number: next(answered) for read in form.reads}
        filled.append(_filled(form, FormContext(catalog, situation, form.persons, views, head, lang)))
    return filled


def _form(catalog: Catalog, purposes: PurposeRegistry, situation: Situation, procedure: Procedure, subject: Person,
          head: str | None, tables: Mapping[str, IncomeTable]) -> _Form:
    shown = [f for f in procedure.form.fields if f.shown_when is None or evaluate(
        f.shown_when, situation.household, subject=subject, answers=situation.answers,
        income_tables=tables) is not False]
    sources = [source_of(f, catalog.certificates) for f in shown]
    roles = {s.person for s in sources if isinstance(s, (Item, HeadItem, Whole))}
    persons = {role: _who(role, situation, subject) for role in roles}
    purpose = f"procedure:{procedure.id}"
    readable = purposes.resolve(purpose).readable_items
    reads = [PersonRead(atena, purpose, sorted(items))
             for atena, items in items_to_read(sources, persons, head, readable).items()]
    return _Form(procedure, subject, shown, sources, persons, reads)


def _filled(form: _Form, context: FormContext) -> FilledForm:
    procedure, lang = form.procedure, context.lang
    department = context.catalog.department(procedure.department)
    shown = {f.id for f in form.fields}
    return FilledForm(
        procedure=procedure.id, name=say(procedure.name, lang), subject=form.subject.ref,
        department=department.id, department_name=say(department.name, lang),
        fields=[fill_field(f, s, context) for f, s in zip(form.fields, form.sources, strict=True)],
        hidden=[f.id for f in procedure.form.fields if f.id not in shown])


def _who(role: str, situation: Situation, subject: Person) -> Who:
    if role == SUBJECT:
        return who_is(subject, situation)
    if role == APPLICANT:
        # A move-in has no applicant in the hub: the first mover applies (a form has a subject,
        # so the movers are given).
        return who_is(situation.household.applicant or situation.household.members[0], situation)
    return named_by(role, situation)
