"""Drafts: a life event's plan and filled forms, kept while the resident confirms them.

A draft is made once from the hub (the household read once, each form's
persons read for their procedure: all logged) and kept server-side, sensitive
values sealed. The resident gives the missing values — all at once or a few at
a time, coming back later — then signs; the intake takes the forms from the
draft, never from the client, so a value the hub gave (a registered bank
account, an address) cannot be replaced on the way. A draft lives
``DRAFT_LIFETIME``: prefilled values are as fresh as the hub was when it was
made.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import JsonValue
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.catalog.models import Catalog, Procedure
from madoguchi.guidance.language import Lang, say
from madoguchi.guidance.navigator import income_tables
from madoguchi.guidance.service import read_situation
from madoguchi.guidance.situation import Situation
from madoguchi.guidance.validation import Answers
from madoguchi.intake.acting import relation_to
from madoguchi.intake.application_models import Draft
from madoguchi.intake.intake_errors import (
    DraftExpired,
    DraftNotFound,
    DraftSubmitted,
    NotYours,
    ValuesInvalid,
)
from madoguchi.intake.sealed_fields import mask_field, open_value, seal_field, seal_value
from madoguchi.intake.values import Checked, check_value
from madoguchi.prefill.schemas import FilledBundle
from madoguchi.prefill.service import fill_bundle
from madoguchi.prefill.subject import form_subject
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.rules import Person, evaluate
from madoguchi.vault import Vault

DRAFT_LIFETIME = timedelta(hours=24)
CERTIFICATE_REQUESTS = "certificate_requests"
"""The key under which ``Draft.filled`` keeps the nonce of each certificate asked of a wallet, by kind
(``intake.certificates``); not shown with the draft: the wallet has it in the request."""


@dataclass(frozen=True)
class EvidenceNeed:
    """An attachment a form calls for: a certificate (needed) or a document (shown or uploaded)."""

    key: str
    name: str
    required: bool
    certificate: str | None


@dataclass(frozen=True)
class DraftView:
    draft_id: uuid.UUID
    applicant: str
    event: str
    event_date: date
    expires_at: datetime
    submitted_bundle: str | None
    filled: dict[str, Any]
    """The plan, forms and inputs as the resident sees them (sensitive values masked)."""
    values: dict[str, str]
    """The values given so far, as shown (a bank account masked)."""
    people: list[str]
    """Whom a person field may name: 宛名番号s and the event's references (``newborn``)."""

    def to_json(self) -> dict[str, Any]:
        return {"draft_id": str(self.draft_id), "applicant": self.applicant, "event": self.event,
                "date": self.event_date.isoformat(), "expires_at": self.expires_at.isoformat(),
                "submitted_bundle": self.submitted_bundle, **self.filled, "values": self.values,
                "people": self.people}


def create_draft(session: Session, *, actor: Actor, catalog: Catalog, purposes: PurposeRegistry, vault: Vault,
                 event_id: str, event_date: date, answers: Answers, lang: Lang = "ja") -> DraftView:
    """Plan the event for the resident acting, fill every form, and keep it as a draft.

    Raises as ``prefill_bundle`` (the reads are the same and logged the same).
    """
    situation = read_situation(session, actor=actor, catalog=catalog, purposes=purposes, vault=vault,
                               event_id=event_id, applicant=actor.id, event_date=event_date, answers=answers)
    filled = fill_bundle(session, actor=actor, catalog=catalog, purposes=purposes, vault=vault,
                         situation=situation, lang=lang)
    now = clock.now()
    draft = Draft(draft_id=uuid.uuid4(), applicant=actor.id, event=event_id, event_date=event_date,
                  answers=dict(situation.answers), lang=lang,
                  filled=_stored(filled, situation, catalog, vault, lang), values={},
                  created_at=now, updated_at=now, expires_at=now + DRAFT_LIFETIME)
    session.add(draft)
    session.flush()
    return view_of(draft)


def show_draft(session: Session, *, actor: Actor, draft_id: uuid.UUID) -> DraftView:
    return view_of(find_draft(session, actor=actor, draft_id=draft_id))


def save_values(session: Session, *, actor: Actor, catalog: Catalog, vault: Vault, draft_id: uuid.UUID,
                values: dict[str, JsonValue]) -> DraftView:
    """Keep some of the values the resident gives (each checked; what is missing is asked at signing).

    Raises DraftNotFound, DraftExpired, DraftSubmitted, ValuesInvalid (naming each value).
    """
    draft = open_draft(session, actor=actor, draft_id=draft_id, for_update=True)
    checked = check_inputs(catalog, draft, values)
    draft.values = {**draft.values, **{key: _stored_value(draft, key, c, vault) for key, c in checked.items()}}
    draft.updated_at = clock.now()
    session.flush()
    return view_of(draft)


_BY_ID = select(Draft).where(Draft.draft_id == bindparam("draft_id"))
_BY_ID_LOCKED = _BY_ID.with_for_update()


def find_draft(session: Session, *, actor: Actor, draft_id: uuid.UUID, for_update: bool = False) -> Draft:
    draft = session.scalar(_BY_ID_LOCKED if for_update else _BY_ID, {"draft_id": draft_id})
    if draft is None:
        raise DraftNotFound(f"no draft {draft_id}")
    if draft.applicant != actor.id or actor.kind != "resident":
        raise NotYours("no such draft of yours")
    return draft


def open_draft(session: Session, *, actor: Actor, draft_id: uuid.UUID, for_update: bool = False) -> Draft:
    """The actor's draft, still open: not submitted and not expired."""
    draft = find_draft(session, actor=actor, draft_id=draft_id, for_update=for_update)
    if draft.submitted_bundle is not None:
        raise DraftSubmitted(f"this draft was submitted as bundle {draft.submitted_bundle}")
    if draft.expires_at <= clock.now():
        raise DraftExpired("the draft is older than a day; start the life event again to see today's data")
    return draft


def inputs_of(draft: Draft) -> dict[str, dict[str, Any]]:
    return {entry["key"]: entry for entry in draft.filled["inputs"]}


def check_inputs(catalog: Catalog, draft: Draft, values: dict[str, JsonValue]) -> dict[str, Checked]:
    """Each value checked against the fields it fills; raises ValuesInvalid naming every bad one."""
    inputs = inputs_of(draft)
    people = set(draft.filled["people"])
    checked: dict[str, Checked] = {}
    problems: dict[str, str] = {}
    for key, raw in values.items():
        entry = inputs.get(key)
        if entry is None:
            problems[key] = "the bundle asks no such value (prefilled values cannot be changed here)"
            continue
        target = entry["fields"][0]
        field = catalog.procedure(target["procedure"]).field(target["field"])
        if field is None:
            problems[key] = "the form no longer has this field; start the life event again"
            continue
        result = check_value(field, raw, people=people)
        if isinstance(result, str):
            problems[key] = result
        else:
            checked[key] = result
    if problems:
        raise values_invalid(problems)
    return checked


def values_invalid(problems: dict[str, str]) -> ValuesInvalid:
    """The refusal naming each value (by its key, and as a JSON Pointer into the request)."""
    return ValuesInvalid("; ".join(f"{key}: {message}" for key, message in problems.items()),
                         fields={_pointer(key): message for key, message in problems.items()})


def given_values(draft: Draft, vault: Vault) -> dict[str, Checked]:
    """The values kept in the draft, opened."""
    return {key: Checked(open_value(vault, stored["value"]), str(open_value(vault, stored["display"])))
            for key, stored in draft.values.items()}


def view_of(draft: Draft) -> DraftView:
    filled = {**draft.filled, "forms": [
        {**form, "fields": [mask_field(f) for f in form["fields"]]} for form in draft.filled["forms"]]}
    values = {key: stored["display"] if isinstance(stored["display"], str) else "••••"
              for key, stored in draft.values.items()}
    people = filled.pop("people")
    filled.pop(CERTIFICATE_REQUESTS, None)
    return DraftView(draft.draft_id, draft.applicant, draft.event, draft.event_date, draft.expires_at,
                     draft.submitted_bundle, filled, values, people)


def _pointer(key: str) -> str:
    return "#/body/values/" + key.replace("~", "~0").replace("/", "~1")


def _stored_value(draft: Draft, key: str, checked: Checked, vault: Vault) -> dict[str, JsonValue]:
    if inputs_of(draft)[key]["type"] == "account":
        return {"value": seal_value(vault, checked.value), "display": seal_value(vault, checked.display)}
    return {"value": checked.value, "display": checked.display}


def _stored(filled: FilledBundle, situation: Situation, catalog: Catalog, vault: Vault,
            lang: Lang) -> dict[str, Any]:
    data = filled.model_dump(mode="json")
    for form in data["forms"]:
        procedure = catalog.procedure(form["procedure"])
        form["fields"] = [seal_field(vault, f) for f in form["fields"]]
        form["relation"] = relation_to(situation, form["subject"])
        form["evidence"] = [need.__dict__ for need in _evidence(procedure, situation, form["subject"], catalog,
                                                                 lang)]
        form["co_signers"] = _co_signers(procedure, situation, form["subject"], catalog)
        form["counter_fallback"] = procedure.signers.counter_fallback
    data["people"] = _people(situation, data["forms"])
    # The register's 続柄 of each member (to the head): the confirmation page's defaults read it.
    data["relationships"] = {m.atena: m.relationship for m in situation.household.members if m.atena}
    return data


def _applies(rule: str | None, situation: Situation, subject: Person, catalog: Catalog) -> bool:
    """A condition of the catalog (``required_when``): only a rule that is false leaves the thing out."""
    return rule is None or evaluate(rule, situation.household, subject=subject, answers=situation.answers,
                                    income_tables=income_tables(catalog)) is not False


def _co_signers(procedure: Procedure, situation: Situation, subject: str, catalog: Catalog) -> list[dict[str, Any]]:
    """The signers besides the applicant this filing needs (婚姻届: the spouse and two adult witnesses)."""
    person = form_subject(situation, procedure.id, subject)
    return [{"role": signer.role, "count": signer.count, "min_age": signer.min_age}
            for signer in procedure.signers.required
            if signer.role not in ("applicant", "subject") and _applies(signer.required_when, situation, person,
                                                                       catalog)]


def _evidence(procedure: Procedure, situation: Situation, subject: str, catalog: Catalog,
              lang: Lang) -> list[EvidenceNeed]:
    """The attachments the form calls for here: a certificate is needed, a document may be shown instead."""
    person = form_subject(situation, procedure.id, subject)
    needs = []
    for i, evidence in enumerate(procedure.evidence):
        if not _applies(evidence.required_when, situation, person, catalog):
            continue
        if evidence.certificate is not None:
            kind = catalog.certificates[evidence.certificate]
            needs.append(EvidenceNeed(evidence.certificate, say(kind.name, lang), True, evidence.certificate))
        elif evidence.document is not None:
            needs.append(EvidenceNeed(f"document-{i + 1}", say(evidence.document, lang), False, None))
    return needs


def _people(situation: Situation, forms: list[dict[str, Any]]) -> list[str]:
    """Whom a person field may name: the household's members and the persons the event brings."""
    people = [m.atena for m in situation.household.members if m.atena]
    return list(dict.fromkeys([*people, *(form["subject"] for form in forms)]))
