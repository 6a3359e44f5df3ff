"""Department targets: where each department's deliveries go.

A department without a configured target works in the city's own back office:
its deliveries go to the ``inbox`` channel, delivered at once (the application
is already in the department's inbox; nothing leaves the city's database).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.intake.channels import ChannelRegistry
from madoguchi.intake.channels import channels as default_channels
from madoguchi.intake.delivery_models import DeliveryTarget

DEFAULT_CHANNEL = "inbox"


@dataclass(frozen=True)
class Target:
    """A department's target as a channel sees it."""

    department: str
    channel: str
    address: str | None = None
    """The endpoint URL (http) or the drop folder (file)."""
    secret_env: str | None = None
    """Name of the environment variable that holds the signing secret (http)."""


@dataclass(frozen=True)
class ConfiguredTarget:
    target: Target
    updated_at: datetime
    updated_by: str


def set_target(session: Session, *, actor: Actor, target: Target,
               channels: ChannelRegistry = default_channels) -> ConfiguredTarget:
    """Set (or replace) a department's target, checked by its channel.

    Raises ChannelUnknown, TargetInvalid.
    """
    channels[target.channel].check_target(target)
    row = session.get(DeliveryTarget, target.department)
    if row is None:
        row = DeliveryTarget(department=target.department)
        session.add(row)
    row.channel = target.channel
    row.address = target.address
    row.secret_env = target.secret_env
    row.updated_at = clock.now()
    row.updated_by = actor.id
    session.flush()
    return ConfiguredTarget(target, row.updated_at, row.updated_by)


def list_targets(session: Session) -> list[ConfiguredTarget]:
    rows = session.scalars(select(DeliveryTarget).order_by(DeliveryTarget.department))
    return [ConfiguredTarget(_target(row), row.updated_at, row.updated_by) for row in rows]


def targets_for(session: Session, departments: Iterable[str]) -> dict[str, Target]:
    """Each department's target, the inbox for a department that has none configured."""
    wanted = set(departments)
    found = {row.department: _target(row) for row in session.scalars(
        select(DeliveryTarget).where(DeliveryTarget.department.in_(wanted)))}
    return {d: found.get(d) or Target(d, DEFAULT_CHANNEL) for d in wanted}


def _target(row: DeliveryTarget) -> Target:
    return Target(row.department, row.channel, row.address, row.secret_env)
