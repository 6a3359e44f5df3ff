"""What a resident sees of what they submitted: each bundle, its applications, their status and history."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from madoguchi.actor import Actor
from madoguchi.intake.application_models import Application, Bundle, CoSignature
from madoguchi.intake.history import history_of
from madoguchi.intake.intake_errors import NotYours
from madoguchi.intake.references import normalise_reference
from madoguchi.intake.sealed_fields import mask_field
from madoguchi.intake.status import LABELS_JA, ApplicationStatus


def bundle_status(session: Session, *, actor: Actor, reference: str) -> dict[str, Any]:
    """One of the actor's bundles with every application's status, history and correction request.

    Raises NotYours for a bundle that is not the actor's (or does not exist).
    """
    bundle = session.scalar(select(Bundle).where(Bundle.reference == normalise_reference(reference)))
    if bundle is None or actor.kind != "resident" or bundle.applicant != actor.id:
        raise NotYours("no such bundle of yours")
    applications = list(session.scalars(select(Application).where(Application.bundle_pk == bundle.id)
                                        .order_by(Application.id)))
    histories = history_of(session, [a.id for a in applications])
    co_signatures = _co_signatures(session, [a.id for a in applications])
    return {"reference": bundle.reference, "event": bundle.event, "date": bundle.event_date.isoformat(),
            "submitted_at": bundle.submitted_at.isoformat(),
            "applications": [_application(a, histories[a.id], co_signatures.get(a.id, [])) for a in applications]}


def list_bundles(session: Session, *, actor: Actor) -> list[dict[str, Any]]:
    """The actor's bundles, newest first, with how many applications each has open."""
    bundles = list(session.scalars(select(Bundle).where(Bundle.applicant == actor.id)
                                   .order_by(Bundle.submitted_at.desc())))
    statuses: dict[int, list[str]] = {b.id: [] for b in bundles}
    for pk, status in session.execute(select(Application.bundle_pk, Application.status)
                                      .where(Application.bundle_pk.in_(statuses))):
        statuses[pk].append(status)
    return [{"reference": b.reference, "event": b.event, "date": b.event_date.isoformat(),
             "submitted_at": b.submitted_at.isoformat(), "applications": len(statuses[b.id]),
             "open": sum(1 for s in statuses[b.id] if s not in ("accepted", "rejected"))} for b in bundles]


def _application(application: Application, history: list[dict[str, Any]],
                 co_signatures: list[dict[str, Any]]) -> dict[str, Any]:
    status = ApplicationStatus(application.status)
    return {"reference": application.reference, "procedure": application.procedure,
            "subject": application.subject, "department": application.department,
            "status": status.value, "status_label": LABELS_JA[status],
            "deadline": application.deadline.isoformat() if application.deadline else None,
            "correction": application.correction, "fields": [mask_field(f) for f in application.fields],
            "co_signatures": co_signatures, "history": history}


def _co_signatures(session: Session, application_pks: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    query = (select(CoSignature).where(CoSignature.application_pk.in_(application_pks))
             .order_by(CoSignature.id))
    for row in session.scalars(query):
        found.setdefault(row.application_pk, []).append({
            "role": row.role, "position": row.position, "signed": row.signed_at is not None,
            "signed_at": row.signed_at.isoformat() if row.signed_at else None,
            "expires_at": row.expires_at.isoformat()})
    return found
