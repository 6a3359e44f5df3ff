"""The delivery worker: claim due deliveries with a lease, send each, record what happened.

One claim is one statement: due, unleased rows are leased to a fresh token
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers running at once never
take the same row; SQLite has one writer at a time). No transaction stays open
while a channel talks to a target. The outcome is recorded only by the claim
that still holds the lease, so a delivery is marked delivered once; a worker
that dies leaves its lease to run out and another worker takes the delivery
over, skipping the steps whose results were committed.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from tenacity import RetryCallState, Retrying, wait_exponential_jitter

from madoguchi import clock
from madoguchi.intake.channels import ChannelRegistry, Job, StepResult
from madoguchi.intake.channels import channels as default_channels
from madoguchi.intake.delivery_models import Delivery, DeliveryEvent, DeliveryStatus, Outcome
from madoguchi.intake.delivery_settings import DeliverySettings, get_delivery_settings
from madoguchi.intake.delivery_steps import StepLedger, save_steps, stored_steps
from madoguchi.intake.errors import (
    ChannelUnknown,
    DeliveryFailed,
    DeliveryRefused,
    DeliveryRetryable,
)
from madoguchi.intake.reconnect import in_transaction
from madoguchi.intake.targets import Target, targets_for

log = logging.getLogger("madoguchi.delivery")


@dataclass(frozen=True)
class Claimed:
    """A delivery leased to one claim."""

    pk: int
    job: Job
    target: Target
    round_attempts: int
    queued_at: datetime
    steps: dict[str, StepResult]
    """Step results stored by earlier attempts."""


@dataclass(frozen=True)
class Claim:
    token: uuid.UUID
    items: list[Claimed]
    locked_until: datetime


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    http_status: int | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None
    steps: dict[str, StepResult] = field(default_factory=dict)
    """Step results of this attempt not committed yet."""


def claim_due(session: Session, *, token: uuid.UUID, limit: int, lease: timedelta) -> list[Claimed]:
    """Lease up to ``limit`` due deliveries to ``token`` in the session's transaction."""
    now = clock.now()
    due = (select(Delivery.id)
           .where(Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at <= now,
                  or_(Delivery.locked_until.is_(None), Delivery.locked_until < now))
           .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)
           .with_for_update(skip_locked=True).cte("due"))
    rows = session.execute(
        update(Delivery).where(Delivery.id.in_(select(due.c.id)))
        .values(locked_until=now + lease, lease_token=token, attempts=Delivery.attempts + 1,
                round_attempts=Delivery.round_attempts + 1)
        .returning(Delivery.id, Delivery.delivery_id, Delivery.department, Delivery.kind, Delivery.payload,
                   Delivery.created_at, Delivery.attempts, Delivery.round_attempts, Delivery.queued_at)
        .execution_options(synchronize_session=False)).all()
    targets = targets_for(session, {row.department for row in rows})
    steps = stored_steps(session, [row.id for row in rows])
    return [Claimed(row.id, Job(row.delivery_id, row.department, row.kind, row.payload, row.created_at,
                                row.attempts),
                    targets[row.department], row.round_attempts, row.queued_at, steps.get(row.id, {}))
            for row in sorted(rows, key=lambda r: r.id)]


def run_once(engine: Engine, *, channels: ChannelRegistry = default_channels,
             settings: DeliverySettings | None = None, worker: str | None = None,
             stop: threading.Event | None = None) -> int:
    """Attempt every delivery due now, batch by batch, until none is due; returns the attempts made."""
    settings = settings or get_delivery_settings()
    name = worker or worker_name()
    attempted = 0
    while stop is None or not stop.is_set():
        claim = _claim(engine, settings)
        if not claim.items:
            break
        attempted += _work(engine, claim, channels, settings, name, stop)
    return attempted


def run_worker(engine: Engine, *, stop: threading.Event, channels: ChannelRegistry = default_channels,
               settings: DeliverySettings | None = None, worker: str | None = None) -> None:
    """Deliver until ``stop`` is set, waiting ``poll_seconds`` when nothing is due.

    A database that went away is waited for, with growing pauses, and the work
    goes on when it answers again.
    """
    settings = settings or get_delivery_settings()
    failures = 0
    while not stop.is_set():
        try:
            attempted = run_once(engine, channels=channels, settings=settings, worker=worker, stop=stop)
            failures = 0
        except Exception as error:  # a worker outlives a bad moment; each failure is logged
            failures += 1
            if isinstance(error, DBAPIError):
                log.warning("database unavailable (%s); trying again", type(error).__name__)
            else:
                log.exception("delivery worker failed; trying again")
            stop.wait(min(30.0, 0.25 * 2 ** min(failures, 7)))
            continue
        if not attempted:
            stop.wait(settings.poll_seconds)


def run_worker_in_thread(engine: Engine, stop_event: threading.Event, *,
                         channels: ChannelRegistry = default_channels,
                         settings: DeliverySettings | None = None) -> threading.Thread:
    """Start a worker in a daemon thread (the embedded mode of ``madoguchi serve``); set ``stop_event``
    and join the thread to stop it after its current delivery."""
    thread = threading.Thread(target=run_worker, name=f"madoguchi-delivery-{next(_threads)}", daemon=True,
                              kwargs={"engine": engine, "stop": stop_event, "channels": channels,
                                      "settings": settings})
    thread.start()
    return thread


def run_workers(engine: Engine, *, stop: threading.Event, threads: int, once: bool = False,
                channels: ChannelRegistry = default_channels, settings: DeliverySettings | None = None) -> None:
    """Run ``threads`` workers in this process (``madoguchi worker``) until ``stop`` is set, or with
    ``once`` until nothing is due. Threads overlap the waits on targets and on commits; each claims its
    own deliveries. Raises the first error that ended a ``once`` run."""
    errors: list[Exception] = []

    def once_run() -> None:
        try:
            run_once(engine, channels=channels, settings=settings, stop=stop)
        except Exception as error:  # handed to the caller below
            errors.append(error)

    if once:
        pool = [threading.Thread(target=once_run, name=f"madoguchi-delivery-{next(_threads)}")
                for _ in range(threads)]
        for thread in pool:
            thread.start()
    else:
        pool = [run_worker_in_thread(engine, stop, channels=channels, settings=settings) for _ in range(threads)]
    for thread in pool:
        while thread.is_alive():
            thread.join(timeout=0.2)  # short waits, so the main thread still takes signals
    if errors:
        raise errors[0]


_threads = itertools.count(1)


def worker_name() -> str:
    """This worker in the history: host, process and (if not the main one) thread."""
    thread = threading.current_thread()
    name = f"{socket.gethostname()}:{os.getpid()}"
    return (name if thread is threading.main_thread() else f"{name}:{thread.name}")[:100]


def retry_delay(round_attempts: int, settings: DeliverySettings, retry_after: float | None = None) -> timedelta:
    """Exponential backoff with jitter after the ``round_attempts``-th failed attempt,
    never sooner than the target asked (``Retry-After``)."""
    state = RetryCallState(Retrying(), None, (), {})
    state.attempt_number = round_attempts
    wait = wait_exponential_jitter(multiplier=settings.backoff_initial_seconds,
                                   max=settings.backoff_max_seconds, jitter=settings.backoff_jitter_seconds)
    return timedelta(seconds=max(wait(state), retry_after or 0.0))


def _claim(engine: Engine, settings: DeliverySettings) -> Claim:
    token = uuid.uuid4()
    lease = timedelta(seconds=settings.lease_seconds)
    items = in_transaction(engine, lambda session: claim_due(session, token=token, limit=settings.batch_size,
                                                             lease=lease))
    return Claim(token, items, clock.now() + lease)


def _work(engine: Engine, claim: Claim, channels: ChannelRegistry, settings: DeliverySettings,
          name: str, stop: threading.Event | None) -> int:
    lease = timedelta(seconds=settings.lease_seconds)
    held, locked_until = list(claim.items), claim.locked_until
    attempted = 0
    while held:
        if stop is not None and stop.is_set():
            _release(engine, claim.token, held)
            break
        if locked_until - clock.now() < lease / 2:
            held, locked_until = _renew(engine, claim.token, held, lease)
            continue
        item = held.pop(0)
        _finish(engine, claim.token, item, _attempt(engine, item, channels, settings), name)
        attempted += 1
    return attempted


def _attempt(engine: Engine, item: Claimed, channels: ChannelRegistry, settings: DeliverySettings) -> Result:
    ledger = StepLedger(engine, item.pk, item.steps)
    try:
        channel = channels[item.target.channel]
        delivered = channel.deliver(item.job, item.target, ledger)
    except ChannelUnknown:
        failure: DeliveryFailed = DeliveryRetryable(f"this worker has no channel {item.target.channel!r}")
    except DeliveryFailed as failed:
        failure = failed
    except DBAPIError:
        raise  # the lease runs out and the delivery is taken over; run_worker waits for the database
    except Exception as error:  # a channel's bug must not stop the other deliveries
        log.exception("delivery %s: unexpected error in the %s channel", item.job.delivery_id, item.target.channel)
        failure = DeliveryRetryable(f"unexpected {type(error).__name__} in the {item.target.channel} channel "
                                    "(see the worker's log)")
    else:
        return Result(Outcome.DELIVERED, http_status=delivered.http_status, steps=ledger.unsaved())
    return replace(_judge(item, failure, settings), steps=ledger.unsaved())


def _judge(item: Claimed, failure: DeliveryFailed, settings: DeliverySettings) -> Result:
    """Dead-letter or schedule the next attempt."""
    now = clock.now()
    if isinstance(failure, DeliveryRefused):
        return Result(Outcome.DEAD, failure.http_status, failure.reason)
    if item.round_attempts >= settings.max_attempts:
        return Result(Outcome.DEAD, failure.http_status,
                      f"{failure.reason} (gave up after {item.round_attempts} attempts)")
    if now - item.queued_at >= timedelta(hours=settings.max_age_hours):
        return Result(Outcome.DEAD, failure.http_status,
                      f"{failure.reason} (gave up after {settings.max_age_hours:g} hours)")
    retry_after = failure.retry_after if isinstance(failure, DeliveryRetryable) else None
    return Result(Outcome.RETRY, failure.http_status, failure.reason,
                  now + retry_delay(item.round_attempts, settings, retry_after))


def _finish(engine: Engine, token: uuid.UUID, item: Claimed, result: Result, name: str) -> None:
    now = clock.now()
    changes: dict[str, Any] = {"locked_until": None, "lease_token": None, "last_error": result.error}
    if result.outcome is Outcome.DELIVERED:
        changes.update(status=DeliveryStatus.DELIVERED, delivered_at=now)
    elif result.outcome is Outcome.DEAD:
        changes.update(status=DeliveryStatus.DEAD, dead_at=now)
    else:
        changes.update(next_attempt_at=result.next_attempt_at)

    def record(session: Session) -> bool:
        save_steps(session, item.pk, result.steps)
        session.add(DeliveryEvent(delivery_pk=item.pk, at=now, event="attempt", attempt=item.job.attempt,
                                  outcome=result.outcome, channel=item.target.channel,
                                  http_status=result.http_status, error=result.error,
                                  next_attempt_at=result.next_attempt_at, actor=name))
        session.flush()
        return session.scalar(
            update(Delivery).where(Delivery.id == item.pk, Delivery.lease_token == token,
                                   Delivery.status == DeliveryStatus.PENDING)
            .values(**changes).returning(Delivery.id)
            .execution_options(synchronize_session=False)) is not None

    try:
        updated = in_transaction(engine, record)
    except IntegrityError:
        return  # this attempt was recorded by a try whose commit we did not hear back from
    if not updated:
        log.warning("delivery %s: lease lost before attempt %d ended; its new holder decides",
                    item.job.delivery_id, item.job.attempt)
    elif result.outcome is Outcome.DELIVERED:
        log.info("delivery %s delivered to %s (attempt %d)", item.job.delivery_id, item.job.department,
                 item.job.attempt)
    else:
        log.warning("delivery %s to %s: %s (%s)", item.job.delivery_id, item.job.department, result.outcome,
                    result.error)


def _renew(engine: Engine, token: uuid.UUID, held: Sequence[Claimed],
           lease: timedelta) -> tuple[list[Claimed], datetime]:
    """Extend the lease of the deliveries not yet attempted; drop those taken over meanwhile."""
    locked_until = clock.now() + lease

    def renew(session: Session) -> set[int]:
        return set(session.scalars(
            update(Delivery).where(Delivery.id.in_([i.pk for i in held]), Delivery.lease_token == token,
                                   Delivery.status == DeliveryStatus.PENDING)
            .values(locked_until=locked_until).returning(Delivery.id)
            .execution_options(synchronize_session=False)))

    kept = in_transaction(engine, renew)
    return [i for i in held if i.pk in kept], locked_until


def _release(engine: Engine, token: uuid.UUID, held: Sequence[Claimed]) -> None:
    """Give back the deliveries not attempted (stopping): due again at once, their claim undone."""
    in_transaction(engine, lambda session: session.execute(
        update(Delivery).where(Delivery.id.in_([i.pk for i in held]), Delivery.lease_token == token)
        .values(locked_until=None, lease_token=None, attempts=Delivery.attempts - 1,
                round_attempts=Delivery.round_attempts - 1)
        .execution_options(synchronize_session=False)))
