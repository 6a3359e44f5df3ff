from __future__ import annotations

from collections.abc import Iterator

import pytest

from guidance.conftest import homes, serving
from madoguchi.intake.channels import ChannelRegistry, FileChannel, HttpChannel, InboxChannel
from madoguchi.intake.delivery_settings import DeliverySettings
from madoguchi.intake.reference_target import ReferenceTarget

from .factories import SimulatedClock

__all__ = ["homes", "serving"]


@pytest.fixture
def target() -> Iterator[ReferenceTarget]:
    """A department system on 127.0.0.1 that honours the delivery id and records every request."""
    with ReferenceTarget() as running:
        yield running


@pytest.fixture
def channels() -> Iterator[ChannelRegistry]:
    """The built-in channels, the http one with a short timeout (a slow target costs little real time)."""
    registry = ChannelRegistry()
    registry.add("inbox", InboxChannel())
    registry.add("http", HttpChannel(timeout=0.3))
    registry.add("file", FileChannel())
    yield registry
    registry.close()


@pytest.fixture
def settings() -> DeliverySettings:
    """The shipped retry policy, fixed here so the environment cannot change it."""
    return DeliverySettings(max_attempts=15, max_age_hours=48, backoff_initial_seconds=10,
                            backoff_max_seconds=1800, backoff_jitter_seconds=10, lease_seconds=120,
                            http_timeout_seconds=0.3, batch_size=10, poll_seconds=0.05)


@pytest.fixture
def sim_clock() -> SimulatedClock:
    return SimulatedClock()
