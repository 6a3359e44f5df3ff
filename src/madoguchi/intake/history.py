"""An application's status history: every change, who made it and why, in order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from madoguchi.actor import Actor
from madoguchi.intake.application_models import Application, ApplicationEvent


def record_status(session: Session, application: Application, *, actor: Actor, at: datetime,
                  reason: str | None = None, fields: list[str] | None = None) -> None:
    """Add the application's current status to its history."""
    session.add(ApplicationEvent(application_pk=application.id, at=at, status=application.status,
                                 actor_kind=actor.kind, actor_id=actor.id, reason=reason, fields=fields))


def history_of(session: Session, application_pks: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each application's history, oldest first. Who changed it is told by kind (a department, the resident)."""
    events: dict[int, list[dict[str, Any]]] = {pk: [] for pk in application_pks}
    query = (select(ApplicationEvent).where(ApplicationEvent.application_pk.in_(application_pks))
             .order_by(ApplicationEvent.id))
    for event in session.scalars(query):
        events[event.application_pk].append({"at": event.at.isoformat(), "status": event.status,
                                             "by": event.actor_kind, "reason": event.reason,
                                             "fields": event.fields})
    return events
