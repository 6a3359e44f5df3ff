"""Routing an application to its department: the message its delivery carries.

The message says what arrived and where to fetch it; it carries the form's
values but never a sealed one (the My Number, a bank account): a department's
system fetches those through the pull API with its own credentials, and that
read lands in the access log. So the outbox and every drop folder hold no
more than the department may keep in the clear.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from madoguchi.intake.outbox import delivery_row, enqueue_delivery
from madoguchi.intake.sealed_fields import is_sealed

KIND = "application"


class RoutedApplication(Protocol):
    """What a message tells of an application: an ``Application`` row, or one about to be inserted."""

    @property
    def reference(self) -> str: ...
    @property
    def department(self) -> str: ...
    @property
    def procedure(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def deadline(self) -> date | None: ...
    @property
    def fields(self) -> list[Any]: ...


class RoutedBundle(Protocol):
    """What a message tells of the bundle an application came in."""

    @property
    def reference(self) -> str: ...
    @property
    def applicant(self) -> str: ...
    @property
    def event(self) -> str: ...
    @property
    def event_date(self) -> date: ...
    @property
    def submitted_at(self) -> datetime: ...


def deliver_application(session: Session, application: RoutedApplication, bundle: RoutedBundle) -> None:
    """Queue the application for its department, in the caller's transaction."""
    enqueue_delivery(session, department=application.department, kind=KIND,
                     payload=application_message(application, bundle))


def delivery_rows(applications: Sequence[RoutedApplication], bundle: RoutedBundle,
                  now: datetime) -> list[dict[str, Any]]:
    """The deliveries of new applications, as rows to insert in one statement."""
    return [delivery_row(department=application.department, kind=KIND, now=now,
                         payload=application_message(application, bundle)) for application in applications]


def application_message(application: RoutedApplication, bundle: RoutedBundle) -> dict[str, Any]:
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
        "fields": [_field(f) for f in application.fields],
        "fetch": f"/api/v1/backoffice/applications/{application.reference}",
    }


def _field(field: Mapping[str, Any]) -> dict[str, Any]:
    sealed = is_sealed(field.get("value"))
    return {"id": field["id"], "value": None if sealed else field.get("value"), "withheld": sealed,
            "source": field.get("source")}
