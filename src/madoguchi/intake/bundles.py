"""Submitting a bundle: the resident's one signature, accepted atomically, split into applications.

``submit_bundle`` runs in the caller's transaction and either writes
everything — the bundle, one application per procedure and subject with its
first status, the co-signature requests, the delivery of each application
that is complete — or nothing. Checks, in order: the draft is the
resident's and open; every value the forms need is given and valid; the
evidence the forms need is attached; the signature is the applicant's card
over exactly this content; the applicant may act for each subject; the same
content was not submitted before; no application for the same procedure and
subject is still open (those two asked of the database in one query).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import JsonValue
from sqlalchemy import CompoundSelect, bindparam, null, select, union_all
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.catalog.models import Catalog
from madoguchi.guidance.language import say
from madoguchi.intake.acting import Relation, may_act_for
from madoguchi.intake.application_models import Application, Attachment, Bundle, Draft
from madoguchi.intake.attachments import attachments_of, signed_attachments
from madoguchi.intake.bundle_rows import NewApplication, NewBundle, write_bundle
from madoguchi.intake.cosign import CoSignLink, request_co_signatures
from madoguchi.intake.drafts import (
    check_inputs,
    given_values,
    inputs_of,
    open_draft,
    values_invalid,
)
from madoguchi.intake.intake_errors import (
    AlreadyOpen,
    AlreadySubmitted,
    EvidenceMissing,
    MayNotActFor,
    SignatureInvalid,
)
from madoguchi.intake.references import new_reference
from madoguchi.intake.sealed_fields import hint, seal_value
from madoguchi.intake.signing import CardSignature, SignatureCheck, bundle_content, digest
from madoguchi.intake.status import LABELS_JA, ApplicationStatus
from madoguchi.intake.values import Checked
from madoguchi.vault import Vault

_SUBMITTED_OR_OPEN: CompoundSelect[Any] = union_all(
    select(Application.open_key, Application.reference, Application.status)
    .where(Application.open_key.in_(bindparam("keys", expanding=True))),
    select(null(), Bundle.reference, null()).where(Bundle.content_digest == bindparam("digest")))
"""The applications still open under the bundle's keys, and the bundle of the same content (its
``open_key`` null), if any: the two duplicate checks in one round trip."""


@dataclass(frozen=True)
class SubmittedBundle:
    reference: str
    submitted_at: datetime
    applications: list[dict[str, Any]]
    co_sign_links: list[CoSignLink] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"reference": self.reference, "submitted_at": self.submitted_at.isoformat(),
                "applications": self.applications,
                "co_sign_links": [{"application": link.application, "role": link.role, "position": link.position,
                                   "token": link.token, "expires_at": link.expires_at.isoformat()}
                                  for link in self.co_sign_links]}


def content_to_sign(session: Session, *, actor: Actor, catalog: Catalog, vault: Vault, draft_id: uuid.UUID,
                    values: Mapping[str, JsonValue]) -> bytes:
    """The exact bytes the resident's card signs for this draft and these values.

    Raises as ``submit_bundle`` for an incomplete or invalid draft.
    """
    draft = open_draft(session, actor=actor, draft_id=draft_id)
    given = _complete_values(catalog, draft, vault, values)
    attachments = attachments_of(session, draft)
    _check_evidence(draft, attachments)
    return bundle_content(draft, given, signed_attachments(attachments))


def submit_bundle(session: Session, *, actor: Actor, catalog: Catalog, vault: Vault,
                  check_signature: SignatureCheck, draft_id: uuid.UUID, values: Mapping[str, JsonValue],
                  signature: CardSignature) -> SubmittedBundle:
    """Accept the draft's bundle as signed, or refuse it whole.

    Raises DraftNotFound, NotYours, DraftExpired, DraftSubmitted, ValuesInvalid,
    EvidenceMissing, SignatureInvalid, AlreadySubmitted, MayNotActFor, AlreadyOpen.
    """
    draft = open_draft(session, actor=actor, draft_id=draft_id, for_update=True)
    given = _complete_values(catalog, draft, vault, values)
    attachments = attachments_of(session, draft)
    _check_evidence(draft, attachments)
    content = bundle_content(draft, given, signed_attachments(attachments))
    signer = check_signature(session, content, signature)
    if signer.atena_number != draft.applicant:
        raise SignatureInvalid("the card that signed is not the applicant's: sign with your own My Number card")
    content_digest = digest(content)
    _check_acting(catalog, draft)
    _check_not_submitted_nor_open(session, draft, content_digest)
    now = clock.now()
    bundle = NewBundle(reference=new_reference(), draft_pk=draft.id, applicant=draft.applicant, event=draft.event,
                       event_date=draft.event_date, content_digest=content_digest, submitted_at=now,
                       lang=draft.lang, signature={"algorithm": "RS256", "value": signature.value,
                                                   "issuer": signer.issuer, "serial": signer.serial})
    forms = draft.filled["forms"]
    applications = [_application(draft, form, given, vault) for form in forms]
    keys = write_bundle(session, draft=draft, attachments=attachments, bundle=bundle, applications=applications,
                        actor=actor)
    links: list[CoSignLink] = []
    for form, application in zip(forms, applications, strict=True):
        if form["co_signers"]:
            links += request_co_signatures(session, keys[application.reference], application.reference, form, now)
    session.flush()
    receipts = [_receipt(form, application) for form, application in zip(forms, applications, strict=True)]
    return SubmittedBundle(bundle.reference, now, receipts, links)


def open_key(draft: Draft, procedure: str, subject: str) -> str:
    """What makes two applications "the same": the procedure and the person, or the event's person of this filing."""
    who = subject if subject.isdigit() else f"{draft.applicant}/{subject}@{draft.event_date.isoformat()}"
    return f"{procedure}|{who}"


def _complete_values(catalog: Catalog, draft: Draft, vault: Vault,
                     values: Mapping[str, JsonValue]) -> dict[str, Checked]:
    given = {**given_values(draft, vault), **check_inputs(catalog, draft, dict(values))}
    missing = [key for key, entry in inputs_of(draft).items() if entry["required"] and key not in given]
    if missing:
        raise values_invalid({key: "this value is needed" for key in missing})
    return given


def _check_evidence(draft: Draft, attachments: Sequence[Attachment]) -> None:
    attached = {(a.procedure, a.subject, a.evidence) for a in attachments}
    for form in draft.filled["forms"]:
        for need in form["evidence"]:
            if need["required"] and (form["procedure"], form["subject"], need["key"]) not in attached:
                raise EvidenceMissing(f"{form['name']} needs the {need['name']}: hand over the digital "
                                      "certificate, or attach a photo or PDF of it, before signing")


def _check_acting(catalog: Catalog, draft: Draft) -> None:
    for form in draft.filled["forms"]:
        procedure = catalog.procedure(form["procedure"])
        if not may_act_for(procedure.applicants, Relation(form["relation"])):
            raise MayNotActFor(f"{say(procedure.name, 'ja')} for {form['subject']} must be filed by that person "
                               "(or someone the procedure allows); it cannot be filed for them here")


def _check_not_submitted_nor_open(session: Session, draft: Draft, content_digest: str) -> None:
    """Refuse content accepted before (naming its bundle), then a bundle whose application is still open."""
    keys = {open_key(draft, form["procedure"], form["subject"]): form for form in draft.filled["forms"]}
    found = session.execute(_SUBMITTED_OR_OPEN, {"keys": list(keys), "digest": content_digest}).all()
    for key, reference, _ in found:
        if key is None:
            raise AlreadySubmitted(f"this bundle was already submitted as {reference}")
    for key, reference, status in found:
        form = keys[key]
        raise AlreadyOpen(f"{form['name']} for {form['subject']} is already open as {reference} "
                          f"({LABELS_JA[ApplicationStatus(status)]}); follow or correct that one")


def _application(draft: Draft, form: Mapping[str, Any], given: Mapping[str, Checked],
                 vault: Vault) -> NewApplication:
    planned = {(p["id"], p["subject"]): p for p in draft.filled["plan"]["procedures"]}
    deadline = planned.get((form["procedure"], form["subject"]), {}).get("deadline")
    status = ApplicationStatus.AWAITING_SIGNATURES if form["co_signers"] else ApplicationStatus.RECEIVED
    return NewApplication(
        reference=new_reference(), procedure=form["procedure"], subject=form["subject"],
        department=form["department"], status=status, open_key=open_key(draft, form["procedure"], form["subject"]),
        deadline=date.fromisoformat(deadline) if deadline else None,
        fields=[_filled(f, given, vault) for f in form["fields"]], evidence=form["evidence"])


def _receipt(form: Mapping[str, Any], application: NewApplication) -> dict[str, Any]:
    """An application as the resident's receipt lists it."""
    return {"reference": application.reference, "procedure": application.procedure, "name": form["name"],
            "subject": application.subject, "department": application.department,
            "department_name": form["department_name"], "status": application.status.value,
            "status_label": LABELS_JA[application.status],
            "deadline": application.deadline.isoformat() if application.deadline else None}


def _filled(field: Mapping[str, Any], given: Mapping[str, Checked], vault: Vault) -> dict[str, Any]:
    """A field as the application keeps it: the resident's value for an input (a bank account sealed)."""
    stored = {key: field.get(key) for key in ("id", "label", "type", "value", "display", "source", "hint")}
    key = field.get("input")
    if key is None:
        return stored
    checked = given.get(key)
    if checked is None:
        return {**stored, "value": None, "display": None, "source": {"resident": True}}
    if field["type"] == "account":
        return {**stored, "value": seal_value(vault, checked.value), "display": seal_value(vault, checked.display),
                "source": {"resident": True}, "hint": hint(checked.value)}
    return {**stored, "value": checked.value, "display": checked.display, "source": {"resident": True}}
