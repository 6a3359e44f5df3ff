"""Routing an application to its department: the message its delivery carries.

The message says what arrived and where to fetch it; it carries the form's
values but never a sealed one (the My Number, a bank account): a department's
system fetches those through the pull API with its own credentials, and that
read lands in the access log. So the outbox and every drop folder hold no
more than the department may keep in the clear.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from madoguchi.intake.application_models import Application, Bundle
from madoguchi.intake.outbox import enqueue_delivery
from madoguchi.intake.sealed_fields import is_sealed

KIND = "application"


def deliver_application(session: Session, application: Application, bundle: Bundle) -> None:
    """Queue the application for its department, in the caller's transaction."""
    enqueue_delivery(session, department=application.department, kind=KIND,
                     payload=application_message(application, bundle))


def application_message(application: Application, bundle: Bundle) -> dict[str, Any]:
    return {
        "reference": application.reference,
        "bundle": bundle.reference,
        "procedure": application.procedure,
        "subject": application.subject,
        "applicant": bundle.applicant,
        "event": bundle.event,
        "event_date": bundle.event_date.isoformat(),
        "submitted_at": bundle.submitted_at.isoformat(),
        "deadline": application.deadline.isoformat() if application.deadline else None,
        "fields": [{"id": f["id"], "value": None if is_sealed(f.get("value")) else f.get("value"),
                    "withheld": is_sealed(f.get("value")), "source": f.get("source")} for f in application.fields],
        "fetch": f"/api/v1/backoffice/applications/{application.reference}",
    }
