from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from madoguchi.db.engine import transaction
from madoguchi.intake.channels import (
    Channel,
    ChannelRegistry,
    Delivered,
    HttpChannel,
    InboxChannel,
    Job,
    Steps,
)
from madoguchi.intake.delivery_models import DeliveryStatus, DeliveryStep, Outcome
from madoguchi.intake.delivery_settings import DeliverySettings
from madoguchi.intake.errors import DeliveryRetryable
from madoguchi.intake.outbox import replay_dead_letters
from madoguchi.intake.reference_target import ReferenceTarget
from madoguchi.intake.targets import Target
from madoguchi.intake.worker import claim_due, run_once

from .factories import OPERATOR, SimulatedClock, a_target, committed_deliveries, delivery, history

MINUTE = timedelta(minutes=1)


def _statuses(engine: Engine, ids: list[uuid.UUID]) -> list[str]:
    return [delivery(engine, d).status for d in ids]


def _run_until_settled(engine: Engine, channels: ChannelRegistry, settings: DeliverySettings,
                       sim_clock: SimulatedClock, ids: list[uuid.UUID], *, limit: int = 120) -> None:
    """Run the worker once a simulated minute until no delivery is pending (at most ``limit`` minutes)."""
    for _ in range(limit):
        run_once(engine, channels=channels, settings=settings)
        if DeliveryStatus.PENDING not in _statuses(engine, ids):
            return
        sim_clock.advance(MINUTE)
    raise AssertionError(f"still pending after {limit} simulated minutes")


@pytest.mark.parametrize("channel", ["inbox", "http", "file"])
def test_each_channel_delivers_every_delivery_once(
        clean_engine: Engine, channels: ChannelRegistry, settings: DeliverySettings, sim_clock: SimulatedClock,
        target: ReferenceTarget, tmp_path: Path, channel: str) -> None:
    address = {"inbox": None, "http": target.url, "file": str(tmp_path)}[channel]
    a_target(clean_engine, channels, channel, address)
    ids = committed_deliveries(clean_engine, 3)
    assert run_once(clean_engine, channels=channels, settings=settings) == 3
    assert _statuses(clean_engine, ids) == ["delivered"] * 3
    for d in ids:
        assert [(e.attempt, e.outcome, e.channel) for e in history(clean_engine, d)] == [(1, "delivered", channel)]
    if channel == "http":
        assert target.requests_by_id() == {str(d): 1 for d in ids}
    if channel == "file":
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{d}.json" for d in ids)
    assert run_once(clean_engine, channels=channels, settings=settings) == 0


@pytest.mark.parametrize("outage", ["down", "slow", "5xx"])
def test_a_target_failing_for_an_hour_is_retried_with_growing_delays_then_delivered_once(
        clean_engine: Engine, channels: ChannelRegistry, settings: DeliverySettings, sim_clock: SimulatedClock,
        target: ReferenceTarget, outage: str) -> None:
    if outage == "slow":  # each attempt waits its timeout in real time: keep it short
        channels = ChannelRegistry()
        channels.add("http", HttpChannel(timeout=0.1))
    a_target(clean_engine, channels, "http", target.url)
    ids = committed_deliveries(clean_engine, 2)
    if outage == "down":
        target.stop()
    elif outage == "slow":
        target.delay = 0.3
    else:
        target.fail_status = 503
    back = sim_clock.now + timedelta(hours=1)
    while sim_clock.now < back:
        run_once(clean_engine, channels=channels, settings=settings)
        sim_clock.advance(MINUTE)
    assert _statuses(clean_engine, ids) == ["pending"] * 2
    if outage == "down":
        target.start()
    target.delay, target.fail_status = 0.0, None

    _run_until_settled(clean_engine, channels, settings, sim_clock, ids)

    assert _statuses(clean_engine, ids) == ["delivered"] * 2
    assert target.effects_by_id() == {str(d): 1 for d in ids}
    for d in ids:
        events = history(clean_engine, d)
        retries = [e for e in events if e.outcome == Outcome.RETRY]
        delays = [(e.next_attempt_at - e.at).total_seconds() for e in retries if e.next_attempt_at]
        assert len(retries) >= 6 and delays == sorted(delays) and delays[-1] > 8 * delays[0]
        assert delays[-1] <= settings.backoff_max_seconds
        assert [e.outcome for e in events].count(Outcome.DELIVERED) == 1 and events[-1].outcome == "delivered"
        expected = {"down": "could not reach the target (ConnectError)", "slow": "no answer within 0.1 s",
                    "5xx": "HTTP 503 Service Unavailable: Failing on purpose"}[outage]
        assert {e.error for e in retries} == {expected}


def test_past_the_attempt_limit_a_delivery_is_dead_lettered_and_a_replay_delivers_it(
        clean_engine: Engine, channels: ChannelRegistry, settings: DeliverySettings, sim_clock: SimulatedClock,
        target: ReferenceTarget) -> None:
    few = settings.model_copy(update={"max_attempts": 4})
    a_target(clean_engine, channels, "http", target.url)
    [d] = committed_deliveries(clean_engine)
    target.fail_status = 500
    _run_until_settled(clean_engine, channels, few, sim_clock, [d])
    dead = delivery(clean_engine, d)
    assert (dead.status, dead.attempts) == ("dead", 4)
    assert dead.last_error == "HTTP 500 Internal Server Error: Failing on purpose (gave up after 4 attempts)"
    sim_clock.advance(timedelta(days=1))
    assert run_once(clean_engine, channels=channels, settings=few) == 0, "a dead letter is not retried"

    target.fail_status = None
    with transaction(clean_engine) as session:
        assert replay_dead_letters(session, actor=OPERATOR) == [d]
    assert run_once(clean_engine, channels=channels, settings=few) == 1
    assert delivery(clean_engine, d).status == "delivered"
    assert [(e.event, e.outcome) for e in history(clean_engine, d)][-2:] == [("replay", None),
                                                                           ("attempt", "delivered")]
    assert target.effects_by_id() == {str(d): 1}


def test_past_the_age_limit_a_failing_delivery_is_dead_lettered(
        clean_engine: Engine, channels: ChannelRegistry, settings: DeliverySettings, sim_clock: SimulatedClock,
        target: ReferenceTarget) -> None:
    a_target(clean_engine, channels, "http", target.url)
    [d] = committed_deliveries(clean_engine)
    target.fail_status = 503
    sim_clock.advance(timedelta(hours=49))  # e.g. every worker was stopped for two days
    run_once(clean_engine, channels=channels, settings=settings)
    assert delivery(clean_engine, d).last_error == "HTTP 503 Service Unavailable: Failing on purpose " \
                                                   "(gave up after 48 hours)"


def test_a_client_error_dead_letters_at_once_with_the_reason(
        clean_engine: Engine, channels: ChannelRegistry, settings: DeliverySettings, sim_clock: SimulatedClock,
        target: ReferenceTarget) -> None:
    a_target(clean_engine, channels, "http", target.url)
    [d] = committed_deliveries(clean_engine)
    target.fail_status = 422
    assert run_once(clean_engine, channels=channels, settings=settings) == 1
    dead = delivery(clean_engine, d)
    assert (dead.status, dead.attempts) == ("dead", 1)
    assert dead.last_error == "HTTP 422 Unprocessable Entity: Failing on purpose"
    [event] = history(clean_engine, d)
    assert (event.outcome, event.http_status, event.next_attempt_at) == ("dead", 422, None)


class CaseSystem:
    """A department system taking an application in two calls: open a case, then attach the form."""

    def __init__(self) -> None:
        self.opened = 0
        self.attached = 0
        self.attach_failures_left = 1


def _two_step_channels(system: CaseSystem) -> ChannelRegistry:
    registry = ChannelRegistry()

    @registry("case-system")
    class TwoSteps(Channel):
        def check_target(self, target: Target) -> None:
            """Any target will do in this test."""

        def deliver(self, job: Job, target: Target, steps: Steps) -> Delivered:
            steps.run("open-case", self.open_case)  # answers nothing worth keeping: an empty result
            steps.run("attach-form", self.attach)
            return Delivered()

        def open_case(self) -> dict[str, object]:
            system.opened += 1
            return {}

        def attach(self) -> dict[str, object]:
            if system.attach_failures_left:
                system.attach_failures_left -= 1
                raise DeliveryRetryable("HTTP 503 Service Unavailable")
            system.attached += 1
            return {"document": "D-1"}

    return registry


def test_a_retry_skips_the_steps_that_succeeded(clean_engine: Engine, settings: DeliverySettings,
                                                sim_clock: SimulatedClock) -> None:
    system = CaseSystem()
    registry = _two_step_channels(system)
    a_target(clean_engine, registry, "case-system")
    [d] = committed_deliveries(clean_engine)
    _run_until_settled(clean_engine, registry, settings, sim_clock, [d])
    assert (system.opened, system.attached) == (1, 1)
    assert [e.outcome for e in history(clean_engine, d)] == ["retry", "delivered"]
    with transaction(clean_engine) as session:
        steps = {step: result for step, result in session.execute(select(DeliveryStep.step, DeliveryStep.result))}
    assert steps == {"open-case": {}, "attach-form": {"document": "D-1"}}


def test_a_lease_that_ran_out_lets_another_worker_take_the_delivery_over(
        clean_engine: Engine, channels: ChannelRegistry, settings: DeliverySettings,
        sim_clock: SimulatedClock) -> None:
    [d] = committed_deliveries(clean_engine)
    with transaction(clean_engine) as session:  # a worker claims it, then dies
        assert len(claim_due(session, token=uuid.uuid4(), limit=10, lease=timedelta(minutes=2))) == 1
    sim_clock.advance(MINUTE)
    assert run_once(clean_engine, channels=channels, settings=settings) == 0, "the lease still holds"
    sim_clock.advance(2 * MINUTE)
    assert run_once(clean_engine, channels=channels, settings=settings, worker="second") == 1
    assert [(e.attempt, e.outcome, e.actor) for e in history(clean_engine, d)] == [(2, "delivered", "second")]


def test_a_worker_whose_lease_ran_out_does_not_overwrite_the_new_holders_outcome(
        clean_engine: Engine, settings: DeliverySettings, sim_clock: SimulatedClock) -> None:
    """The first worker is so slow that its lease runs out and a second one delivers meanwhile."""
    quick = ChannelRegistry()
    quick.add("inbox", InboxChannel())
    slow = ChannelRegistry()
    overtaken_at = []

    @slow("inbox")
    class Overtaken(Channel):
        def deliver(self, job: Job, target: Target, steps: Steps) -> Delivered:
            sim_clock.advance(timedelta(seconds=settings.lease_seconds + 60))
            overtaken_at.append(sim_clock.now)
            assert run_once(clean_engine, channels=quick, settings=settings, worker="second") == 1
            sim_clock.advance(MINUTE)
            return Delivered()

    [d] = committed_deliveries(clean_engine)
    run_once(clean_engine, channels=slow, settings=settings, worker="first")
    row = delivery(clean_engine, d)
    assert (row.status, row.delivered_at) == ("delivered", overtaken_at[0])
    assert [(e.attempt, e.actor) for e in history(clean_engine, d)] == [(2, "second"), (1, "first")]


def test_a_busy_target_is_not_asked_again_before_its_retry_after(
        clean_engine: Engine, channels: ChannelRegistry, settings: DeliverySettings, sim_clock: SimulatedClock,
        target: ReferenceTarget) -> None:
    a_target(clean_engine, channels, "http", target.url)
    [d] = committed_deliveries(clean_engine)
    target.fail_status, target.fail_headers = 429, {"Retry-After": "600"}
    run_once(clean_engine, channels=channels, settings=settings)
    assert delivery(clean_engine, d).next_attempt_at == sim_clock.now + timedelta(seconds=600)


def test_a_channel_that_breaks_or_is_missing_is_retried_without_stopping_the_others(
        clean_engine: Engine, settings: DeliverySettings, sim_clock: SimulatedClock) -> None:
    registry = ChannelRegistry()
    registry.add("inbox", InboxChannel())

    @registry("broken")
    class Broken(Channel):
        def check_target(self, target: Target) -> None:
            """Any target will do in this test."""

        def deliver(self, job: Job, target: Target, steps: Steps) -> Delivered:
            raise KeyError("a bug, with the payload's 山田 花子 in its message")

    a_target(clean_engine, registry, "broken", department="citizens")
    [broken] = committed_deliveries(clean_engine, department="citizens")
    [fine] = committed_deliveries(clean_engine, department="child-support")
    run_once(clean_engine, channels=registry, settings=settings)
    assert _statuses(clean_engine, [broken, fine]) == ["pending", "delivered"]
    assert delivery(clean_engine, broken).last_error == \
        "unexpected KeyError in the broken channel (see the worker's log)"

    older = ChannelRegistry()  # a worker of a version without that channel
    older.add("inbox", InboxChannel())
    sim_clock.advance(MINUTE)
    run_once(clean_engine, channels=older, settings=settings)
    assert delivery(clean_engine, broken).last_error == "this worker has no channel 'broken'"
