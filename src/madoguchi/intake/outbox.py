"""The delivery outbox: enqueue in the caller's transaction, list, show and replay.

``enqueue_delivery`` only adds a row (the caller's next flush writes all its
deliveries in one statement): the delivery exists exactly when the caller's
transaction commits (the application and its delivery jobs commit together)
and a rollback drops it. Nothing is sent from here; a worker
picks the row up after the commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.intake.delivery_models import (
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
    DeliveryStep,
)
from madoguchi.intake.errors import DeliveryNotFound, DeliveryNotReplayable


def enqueue_delivery(session: Session, *, department: str, kind: str, payload: dict[str, Any],
                     delivery_id: uuid.UUID | None = None) -> Delivery:
    """Add a delivery to the caller's transaction (never committed here), due at once."""
    delivery = Delivery(**delivery_row(department=department, kind=kind, payload=payload, now=clock.now(),
                                       delivery_id=delivery_id))
    session.add(delivery)
    return delivery


def delivery_row(*, department: str, kind: str, payload: dict[str, Any], now: datetime,
                 delivery_id: uuid.UUID | None = None) -> dict[str, Any]:
    """A new delivery's columns, due at ``now``: for ``enqueue_delivery``, or for many inserted at once."""
    return {"delivery_id": delivery_id or uuid.uuid4(), "department": department, "kind": kind,
            "payload": payload, "status": DeliveryStatus.PENDING, "created_at": now, "queued_at": now,
            "next_attempt_at": now, "attempts": 0, "round_attempts": 0}


@dataclass(frozen=True)
class DeliverySummary:
    delivery_id: uuid.UUID
    department: str
    kind: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    """When it is tried next (pending only)."""
    delivered_at: datetime | None
    last_error: str | None

    def to_json(self) -> dict[str, Any]:
        return {"delivery_id": str(self.delivery_id), "department": self.department, "kind": self.kind,
                "status": self.status, "attempts": self.attempts, "created_at": _iso(self.created_at),
                "next_attempt_at": _iso(self.next_attempt_at), "delivered_at": _iso(self.delivered_at),
                "last_error": self.last_error}


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    event: str
    attempt: int | None
    outcome: str | None
    channel: str | None
    http_status: int | None
    error: str | None
    next_attempt_at: datetime | None
    actor: str

    def to_json(self) -> dict[str, Any]:
        return {"at": _iso(self.at), "event": self.event, "attempt": self.attempt, "outcome": self.outcome,
                "channel": self.channel, "http_status": self.http_status, "error": self.error,
                "next_attempt_at": _iso(self.next_attempt_at), "actor": self.actor}


@dataclass(frozen=True)
class DeliveryDetail:
    summary: DeliverySummary
    history: list[HistoryEntry]

    def to_json(self) -> dict[str, Any]:
        return {**self.summary.to_json(), "history": [entry.to_json() for entry in self.history]}


def list_deliveries(session: Session, *, status: DeliveryStatus | None = None, department: str | None = None,
                    limit: int = 100) -> list[DeliverySummary]:
    """The newest deliveries first, optionally of one status or department."""
    query = select(Delivery).order_by(Delivery.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Delivery.status == status)
    if department is not None:
        query = query.where(Delivery.department == department)
    return [_summary(row) for row in session.scalars(query)]


def show_delivery(session: Session, *, delivery_id: uuid.UUID) -> DeliveryDetail:
    """One delivery with its history, oldest event first. Raises DeliveryNotFound."""
    row = _find(session, delivery_id)
    events = session.scalars(select(DeliveryEvent).where(DeliveryEvent.delivery_pk == row.id)
                             .order_by(DeliveryEvent.id))
    return DeliveryDetail(_summary(row), [
        HistoryEntry(e.at, e.event, e.attempt, e.outcome, e.channel, e.http_status, e.error,
                     e.next_attempt_at, e.actor) for e in events])


def replay_delivery(session: Session, *, actor: Actor, delivery_id: uuid.UUID) -> DeliverySummary:
    """Send a dead-lettered or delivered delivery again, with the same delivery id, due at once.

    A dead-lettered one keeps its step results, so steps that succeeded are not
    repeated; a delivered one is sent again from the first step (the target
    recognises the id). Raises DeliveryNotFound, DeliveryNotReplayable.
    """
    row = _find(session, delivery_id, for_update=True)
    if row.status == DeliveryStatus.PENDING:
        raise DeliveryNotReplayable("the delivery is still pending: a worker will send it")
    _requeue(session, actor, row)
    return _summary(row)


def replay_dead_letters(session: Session, *, actor: Actor, department: str | None = None) -> list[uuid.UUID]:
    """Replay every dead-lettered delivery (of one department); returns their delivery ids."""
    query = (select(Delivery).where(Delivery.status == DeliveryStatus.DEAD).order_by(Delivery.id)
             .with_for_update())
    if department is not None:
        query = query.where(Delivery.department == department)
    rows = list(session.scalars(query))
    for row in rows:
        _requeue(session, actor, row)
    return [row.delivery_id for row in rows]


def _requeue(session: Session, actor: Actor, row: Delivery) -> None:
    now = clock.now()
    if row.status == DeliveryStatus.DELIVERED:
        session.execute(delete(DeliveryStep).where(DeliveryStep.delivery_pk == row.id))
    row.status = DeliveryStatus.PENDING
    row.queued_at = row.next_attempt_at = now
    row.round_attempts = 0
    row.locked_until = row.lease_token = None
    row.delivered_at = row.dead_at = row.last_error = None
    session.add(DeliveryEvent(delivery_pk=row.id, at=now, event="replay", actor=actor.id))
    session.flush()


def _find(session: Session, delivery_id: uuid.UUID, *, for_update: bool = False) -> Delivery:
    query = select(Delivery).where(Delivery.delivery_id == delivery_id)
    row = session.scalar(query.with_for_update() if for_update else query)
    if row is None:
        raise DeliveryNotFound(f"no delivery {delivery_id}")
    return row


def _summary(row: Delivery) -> DeliverySummary:
    return DeliverySummary(row.delivery_id, row.department, row.kind, row.status, row.attempts, row.created_at,
                           row.next_attempt_at if row.status == DeliveryStatus.PENDING else None,
                           row.delivered_at, row.last_error)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(clock.TOKYO).isoformat() if moment is not None else None
