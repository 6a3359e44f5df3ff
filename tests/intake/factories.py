"""Small builders for delivery tests: committed deliveries, targets, a simulated clock."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.db.engine import transaction
from madoguchi.intake.channels import ChannelRegistry
from madoguchi.intake.delivery_models import Delivery, DeliveryEvent
from madoguchi.intake.outbox import enqueue_delivery
from madoguchi.intake.targets import Target, set_target

START = datetime(2025, 4, 1, 9, 0, tzinfo=clock.TOKYO)
OPERATOR = Actor.operator("ops")


class SimulatedClock:
    """The city's clock, frozen at START and moved only by ``advance``."""

    def __init__(self) -> None:
        self.now = START
        clock.freeze(self.now)

    def advance(self, by: timedelta) -> None:
        self.now += by
        clock.freeze(self.now)


def an_application(number: int = 1) -> dict[str, Any]:
    return {"reference": f"A-{number:06d}", "procedure": "child-allowance", "fields": {"name": "山田 花子"}}


def committed_deliveries(engine: Engine, count: int = 1, *, department: str = "child-support") -> list[uuid.UUID]:
    with transaction(engine) as session:
        return [enqueue_delivery(session, department=department, kind="application",
                                 payload=an_application(n)).delivery_id for n in range(count)]


def a_target(engine: Engine, channels: ChannelRegistry, channel: str, address: str | None = None, *,
             department: str = "child-support", secret_env: str | None = None) -> None:
    with transaction(engine) as session:
        set_target(session, actor=OPERATOR, target=Target(department, channel, address, secret_env),
                   channels=channels)


def delivery(engine: Engine, delivery_id: uuid.UUID) -> Delivery:
    with transaction(engine) as session:
        return session.scalars(select(Delivery).where(Delivery.delivery_id == delivery_id)).one()


def history(engine: Engine, delivery_id: uuid.UUID) -> list[DeliveryEvent]:
    with transaction(engine) as session:
        return list(session.scalars(select(DeliveryEvent).join(Delivery, Delivery.id == DeliveryEvent.delivery_pk)
                                    .where(Delivery.delivery_id == delivery_id).order_by(DeliveryEvent.id)))
