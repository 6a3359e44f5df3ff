"""A department's side: its inbox, an application opened in full, and its decisions.

Staff and department systems see only their own department's applications:
another department's reference answers "not found", so nothing of it leaks.
Opening an application reads resident data (its prefilled values, the sealed
My Number and account opened): each open is logged in the access log under
``review:<department>``, on the chain of the person the application is about
(the applicant's, for a person the hub does not hold yet).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import JsonValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.catalog.models import Catalog
from madoguchi.intake.application_models import Application, Attachment, Bundle
from madoguchi.intake.drafts import values_invalid
from madoguchi.intake.history import history_of, record_status
from madoguchi.intake.intake_errors import ApplicationNotFound, StatusChangeInvalid
from madoguchi.intake.references import normalise_reference
from madoguchi.intake.routing import deliver_application
from madoguchi.intake.sealed_fields import open_field, reads_my_number, seal_value
from madoguchi.intake.status import DECIDED, LABELS_JA, ApplicationStatus, may_change
from madoguchi.intake.values import check_value
from madoguchi.registry.access_log import AccessRecord, append_reads
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.vault import Vault

S = ApplicationStatus
NEEDS_REASON = frozenset({S.REJECTED, S.NEEDS_CORRECTION})
APPLICATION_ITEM = "application"


def inbox(session: Session, *, actor: Actor, status: S | None = None, after: int = 0,
          limit: int = 100) -> list[dict[str, Any]]:
    """The department's applications, oldest first (the order they are worked in), optionally of one status.

    ``after`` is the ``position`` of the last one seen: a department's system
    pages through new arrivals with it. Nothing personal is read: the list
    shows references, procedures and statuses.
    """
    query = (select(Application, Bundle.submitted_at).join(Bundle, Bundle.id == Application.bundle_pk)
             .where(Application.department == _department(actor), Application.id > after)
             .order_by(Application.id).limit(limit))
    if status is not None:
        query = query.where(Application.status == status)
    return [{"position": a.id, "reference": a.reference, "procedure": a.procedure, "subject": a.subject,
             "status": a.status, "status_label": LABELS_JA[S(a.status)], "submitted_at": submitted.isoformat(),
             "deadline": a.deadline.isoformat() if a.deadline else None}
            for a, submitted in session.execute(query)]


def open_application(session: Session, *, actor: Actor, purposes: PurposeRegistry, vault: Vault,
                     reference: str) -> dict[str, Any]:
    """The application in full — every value with its source, attachments, history — and the read logged.

    Raises ApplicationNotFound (also for another department's), PurposeNotAllowed.
    """
    application, bundle = _find(session, actor, reference)
    purpose = purposes.resolve(f"review:{application.department}")
    fields = [open_field(vault, f) for f in application.fields]
    items = sorted({APPLICATION_ITEM, *(str(f["source"]["item"]) for f in fields
                                       if isinstance(f.get("source"), dict) and f["source"].get("item"))})
    about = application.subject_atena or bundle.applicant
    my_number_read = any(reads_my_number(f) for f in fields)
    append_reads(session, record=AccessRecord(actor=actor, purpose=purpose.id, legal_basis=purpose.legal_basis,
                                              my_number_basis=purpose.my_number_basis if my_number_read else None,
                                              as_of=None), reads=[(about, items)])
    attachments = session.scalars(select(Attachment).where(Attachment.application_pk == application.id)
                                  .order_by(Attachment.id))
    return {"reference": application.reference, "bundle": bundle.reference, "procedure": application.procedure,
            "subject": application.subject, "applicant": bundle.applicant, "department": application.department,
            "event": bundle.event, "event_date": bundle.event_date.isoformat(),
            "submitted_at": bundle.submitted_at.isoformat(), "status": application.status,
            "status_label": LABELS_JA[S(application.status)],
            "deadline": application.deadline.isoformat() if application.deadline else None,
            "signature": {"issuer": bundle.signature.get("issuer"), "serial": bundle.signature.get("serial")},
            "fields": fields, "evidence": application.evidence, "correction": application.correction,
            "attachments": [{"attachment_id": str(a.attachment_id), "evidence": a.evidence,
                             "filename": a.filename, "media_type": a.media_type, "size": a.size,
                             "sha256": a.sha256, "verified": a.verified} for a in attachments],
            "history": history_of(session, [application.id])[application.id]}


def attachment_content(session: Session, *, actor: Actor, reference: str, attachment_id: str) -> Attachment:
    """One attachment of one of the department's applications; raises ApplicationNotFound."""
    application, _ = _find(session, actor, reference)
    row = next((a for a in session.scalars(select(Attachment).where(Attachment.application_pk == application.id))
                if str(a.attachment_id) == attachment_id), None)
    if row is None:
        raise ApplicationNotFound(f"application {application.reference} has no attachment {attachment_id}")
    return row


def decide(session: Session, *, actor: Actor, reference: str, status: S, reason: str | None = None,
           fields: list[str] | None = None) -> dict[str, Any]:
    """Move the application on: in review, accepted, rejected (with a reason), or sent back for correction
    (with a reason and the fields to fix). Raises ApplicationNotFound, StatusChangeInvalid."""
    application, _ = _find(session, actor, reference, for_update=True)
    current = S(application.status)
    staff_may = status not in (S.RECEIVED, S.AT_COUNTER, S.AWAITING_SIGNATURES) or (
        current, status) == (S.AT_COUNTER, S.RECEIVED)  # signed at the counter
    if not may_change(current, status) or not staff_may:
        raise StatusChangeInvalid(f"an application that is {LABELS_JA[current]} cannot become "
                                  f"{LABELS_JA[status]}")
    reason = (reason or "").strip() or None
    if status in NEEDS_REASON and reason is None:
        raise StatusChangeInvalid(f"say why: the resident reads the reason for {LABELS_JA[status]}")
    known = {f["id"] for f in application.fields}
    to_fix = list(dict.fromkeys(fields or []))
    if status == S.NEEDS_CORRECTION and (not to_fix or not set(to_fix) <= known):
        raise StatusChangeInvalid("name the fields the resident should fix (fields of this application)")
    now = clock.now()
    application.status = status
    application.updated_at = now
    application.correction = {"reason": reason, "fields": to_fix, "at": now.isoformat()} \
        if status == S.NEEDS_CORRECTION else application.correction
    if status in DECIDED:
        application.open_key = None
    record_status(session, application, actor=actor, at=now, reason=reason,
                  fields=to_fix if status == S.NEEDS_CORRECTION else None)
    session.flush()
    return {"reference": application.reference, "status": status.value, "status_label": LABELS_JA[status]}


def correct_application(session: Session, *, actor: Actor, catalog: Catalog, vault: Vault, reference: str,
                        values: Mapping[str, JsonValue]) -> dict[str, Any]:
    """The resident fixes the fields sent back — only those — and the application goes to the department again.

    Raises ApplicationNotFound (also for someone else's), StatusChangeInvalid, ValuesInvalid.
    """
    application, bundle = _find_own(session, actor, reference)
    if application.status != S.NEEDS_CORRECTION or application.correction is None:
        raise StatusChangeInvalid("this application is not waiting for a correction")
    asked = list(application.correction["fields"])
    problems = {key: "this field was not sent back for correction" for key in values if key not in asked}
    problems |= {key: "this field needs a value" for key in asked if key not in values}
    procedure = catalog.procedure(application.procedure)
    fixed: dict[str, tuple[JsonValue, str]] = {}
    for key in asked:
        field = procedure.field(key)
        if key not in values or field is None:
            continue
        checked = check_value(field, values[key], people={application.subject, bundle.applicant})
        if isinstance(checked, str):
            problems[key] = checked
        else:
            fixed[key] = (checked.value, checked.display)
    if problems:
        raise values_invalid(problems)
    application.fields = [_fixed(f, fixed, vault) for f in application.fields]
    now = clock.now()
    application.status = S.RECEIVED
    application.correction = None
    application.updated_at = now
    record_status(session, application, actor=actor, at=now, reason="corrected", fields=asked)
    deliver_application(session, application, bundle)
    session.flush()
    return {"reference": application.reference, "status": application.status,
            "status_label": LABELS_JA[S.RECEIVED]}


def _fixed(field: dict[str, Any], fixed: Mapping[str, tuple[JsonValue, str]], vault: Vault) -> dict[str, Any]:
    if field["id"] not in fixed:
        return field
    value, display = fixed[field["id"]]
    if field["type"] == "account":
        return {**field, "value": seal_value(vault, value), "display": seal_value(vault, display),
                "source": {"resident": True, "corrected": True}}
    return {**field, "value": value, "display": display, "source": {"resident": True, "corrected": True}}


def _department(actor: Actor) -> str:
    if actor.kind not in ("staff", "system") or actor.department is None:
        raise ApplicationNotFound("only a department's staff or systems see its applications")
    return actor.department


def _find(session: Session, actor: Actor, reference: str, *,
          for_update: bool = False) -> tuple[Application, Bundle]:
    department = _department(actor)
    found = _by_reference(session, reference, for_update)
    if found is None or found[0].department != department:
        raise ApplicationNotFound(f"your department has no application {reference}")
    return found


def _find_own(session: Session, actor: Actor, reference: str) -> tuple[Application, Bundle]:
    found = _by_reference(session, reference, True)
    if found is None or actor.kind != "resident" or found[1].applicant != actor.id:
        raise ApplicationNotFound(f"you have no application {reference}")
    return found


def _by_reference(session: Session, reference: str, for_update: bool) -> tuple[Application, Bundle] | None:
    query = (select(Application, Bundle).join(Bundle, Bundle.id == Application.bundle_pk)
             .where(Application.reference == normalise_reference(reference)))
    row = session.execute(query.with_for_update(of=Application) if for_update else query).first()
    return (row[0], row[1]) if row is not None else None

