from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from madoguchi.db.engine import transaction
from madoguchi.intake.delivery_models import Delivery, DeliveryStatus
from madoguchi.intake.errors import DeliveryNotFound, DeliveryNotReplayable
from madoguchi.intake.outbox import (
    enqueue_delivery,
    list_deliveries,
    replay_dead_letters,
    replay_delivery,
    show_delivery,
)

from .factories import OPERATOR, SimulatedClock, an_application


def _count(engine: Engine) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(Delivery)) or 0


def test_a_delivery_exists_once_the_callers_transaction_commits(clean_engine: Engine) -> None:
    with transaction(clean_engine) as session:
        queued = enqueue_delivery(session, department="child-support", kind="application",
                                  payload=an_application())
        assert _count(clean_engine) == 0, "another connection must not see it before the commit"
    assert _count(clean_engine) == 1
    with transaction(clean_engine) as session:
        row = session.scalars(select(Delivery)).one()
        assert row.delivery_id == queued.delivery_id
        assert (row.status, row.payload) == (DeliveryStatus.PENDING, an_application())


def test_a_rolled_back_transaction_leaves_no_delivery(clean_engine: Engine) -> None:
    with pytest.raises(RuntimeError), transaction(clean_engine) as session:
        enqueue_delivery(session, department="child-support", kind="application", payload=an_application())
        raise RuntimeError("the application was refused after all")
    assert _count(clean_engine) == 0


def test_the_caller_may_choose_the_delivery_id(session: Session) -> None:
    chosen = uuid.uuid4()
    queued = enqueue_delivery(session, department="citizens", kind="application", payload={},
                              delivery_id=chosen)
    assert queued.delivery_id == chosen
    assert [d.delivery_id for d in list_deliveries(session)] == [chosen]


def test_list_filters_by_status_and_department(session: Session) -> None:
    first = enqueue_delivery(session, department="citizens", kind="application", payload={})
    enqueue_delivery(session, department="child-support", kind="application", payload={})
    first.status = DeliveryStatus.DEAD
    session.flush()
    assert [d.delivery_id for d in list_deliveries(session, status=DeliveryStatus.DEAD)] == [first.delivery_id]
    assert [d.department for d in list_deliveries(session, department="child-support")] == ["child-support"]


def test_a_pending_delivery_is_not_replayed(session: Session) -> None:
    queued = enqueue_delivery(session, department="citizens", kind="application", payload={})
    with pytest.raises(DeliveryNotReplayable):
        replay_delivery(session, actor=OPERATOR, delivery_id=queued.delivery_id)
    with pytest.raises(DeliveryNotFound):
        replay_delivery(session, actor=OPERATOR, delivery_id=uuid.uuid4())


def test_replaying_dead_letters_requeues_them_now_and_records_who(session: Session,
                                                                  sim_clock: SimulatedClock) -> None:
    dead = enqueue_delivery(session, department="citizens", kind="application", payload={})
    dead.status, dead.round_attempts, dead.last_error = DeliveryStatus.DEAD, 15, "HTTP 503 Service Unavailable"
    enqueue_delivery(session, department="citizens", kind="application", payload={})
    session.flush()
    assert replay_dead_letters(session, actor=OPERATOR) == [dead.delivery_id]
    session.refresh(dead)
    assert (dead.status, dead.round_attempts, dead.next_attempt_at) == (DeliveryStatus.PENDING, 0, sim_clock.now)
    detail = show_delivery(session, delivery_id=dead.delivery_id)
    assert [(e.event, e.actor) for e in detail.history] == [("replay", "ops")]
