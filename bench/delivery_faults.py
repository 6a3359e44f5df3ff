"""Delivery under faults: nothing lost, nothing taken twice, and how fast it still goes.

Usage: madoguchi bench delivery_faults [--deliveries N] [--backend postgres|sqlite] [--kills K] [--seed S]

N deliveries (default 2,000) are enqueued by a producer, in transactions of
one to five as an intake would, while one `madoguchi worker` process delivers
them over HTTP to the reference target (it takes each delivery id once and
answers a repeat 409). Meanwhile the target fails on purpose — bursts of 503,
spells of slowness, some longer than the worker's timeout — and the worker is
killed with SIGKILL K times (default 4) at even steps of progress and started
again at once. The run ends when every delivery is delivered or dead.

Counted at the target by delivery id: delivered (taken once), lost (enqueued
but never taken), duplicated (taken more than once), and the requests that
repeated an id already taken — the re-sends after a kill or a timeout that the
Idempotency-Key absorbed.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import uuid
from pathlib import Path

from _faults import FAULTS_NOTE, WORKER_NOTE, run_under_faults
from sqlalchemy import Engine, func, select

from madoguchi.actor import Actor
from madoguchi.benchmark import Report, scratch_database
from madoguchi.db.engine import transaction
from madoguchi.db.migrate import upgrade
from madoguchi.intake.delivery_models import Delivery, DeliveryEvent, DeliveryStatus
from madoguchi.intake.outbox import enqueue_delivery
from madoguchi.intake.reference_target import ReferenceTarget
from madoguchi.intake.targets import Target, set_target

DATABASE = "madoguchi_bench_delivery_faults"


def run(args: list[str]) -> Report:
    parser = argparse.ArgumentParser(prog="madoguchi bench delivery_faults")
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--seed", type=int, default=4)
    options = parser.parse_args(args)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder, \
            scratch_database(options.backend, DATABASE, Path(folder)) as engine:
        upgrade(engine)
        with ReferenceTarget() as target:
            report = _measure(engine, target, options)
    report.notes.append(f"1-minute load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
                        "(other work on the machine inflates the figures)")
    return report


def _measure(engine: Engine, target: ReferenceTarget, options: argparse.Namespace) -> Report:
    with transaction(engine) as session:
        set_target(session, actor=Actor.operator("bench"), target=Target("child-support", "http", target.url))
    enqueued: list[uuid.UUID] = []
    kills, elapsed = run_under_faults(
        engine, target, total=options.deliveries, kills=options.kills, seed=options.seed,
        produce=lambda: _produce(engine, options.deliveries, enqueued, options.seed))
    return _report(engine, target, options, enqueued, kills, elapsed)


def _report(engine: Engine, target: ReferenceTarget, options: argparse.Namespace, enqueued: list[uuid.UUID],
            kills: int, elapsed: float) -> Report:
    effects = target.effects_by_id()
    repeats = sum(1 for r in target.received if r.status == 409)
    with transaction(engine) as session:
        statuses = dict(session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all())
        attempts = session.scalar(select(func.count()).select_from(DeliveryEvent)) or 0
        retried = session.scalar(select(func.count()).select_from(DeliveryEvent)
                                 .where(DeliveryEvent.outcome == "retry")) or 0
    lost = sum(1 for d in enqueued if effects[str(d)] == 0)
    duplicated = sum(1 for count in effects.values() if count > 1)
    report = Report("Delivery under faults: target failing, worker killed")
    report.add("backend", options.backend)
    report.add("deliveries enqueued", len(enqueued), key="enqueued")
    report.add("delivered (taken once at the target)", sum(1 for c in effects.values() if c == 1),
               key="delivered")
    report.add("lost", lost, key="lost")
    report.add("duplicated (taken twice at the target)", duplicated, key="duplicated")
    report.add("marked delivered / dead in the database",
               f"{statuses.get(DeliveryStatus.DELIVERED, 0):,} / {statuses.get(DeliveryStatus.DEAD, 0):,}")
    report.add("repeats of a taken id, answered 409 (the Idempotency-Key at work)", repeats, key="repeats")
    report.add("attempts recorded / of them failed and retried", f"{attempts:,} / {retried:,}")
    report.add("worker processes killed (SIGKILL) and restarted", kills, key="kills")
    report.add("wall time, first enqueue to last delivery", elapsed, key="seconds", unit="s")
    report.add("deliveries per second, faults and restarts included", len(enqueued) / elapsed,
               key="per_second", unit="/s")
    report.notes.append(WORKER_NOTE)
    report.notes.append(FAULTS_NOTE)
    return report


def _produce(engine: Engine, total: int, enqueued: list[uuid.UUID], seed: int) -> None:
    """Enqueue as an intake does: a few deliveries per committed transaction, as fast as it can."""
    rng = random.Random(seed)
    while len(enqueued) < total:
        with transaction(engine) as session:
            batch = [enqueue_delivery(session, department="child-support", kind="application", payload={
                "reference": f"B-{len(enqueued) + n:06d}", "procedure": "child-allowance",
                "fields": {"family_name": "山田", "given_name": "花子", "children": rng.randint(1, 3)},
            }).delivery_id for n in range(min(rng.randint(1, 5), total - len(enqueued)))]
        enqueued.extend(batch)  # counted once committed

