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
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from madoguchi.actor import Actor
from madoguchi.benchmark import Report
from madoguchi.db.engine import make_engine, transaction
from madoguchi.db.migrate import upgrade
from madoguchi.intake.delivery_models import Delivery, DeliveryEvent, DeliveryStatus
from madoguchi.intake.outbox import enqueue_delivery
from madoguchi.intake.reference_target import ReferenceTarget
from madoguchi.intake.targets import Target, set_target

POSTGRES_ADMIN = os.environ.get("MADOGUCHI_BENCH_POSTGRES_URL",
                                "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DATABASE = "madoguchi_bench_delivery_faults"
WORKER_ENV = {
    "MADOGUCHI_DELIVERY_LEASE_SECONDS": "3",
    "MADOGUCHI_DELIVERY_HTTP_TIMEOUT_SECONDS": "0.5",
    "MADOGUCHI_DELIVERY_BACKOFF_INITIAL_SECONDS": "0.2",
    "MADOGUCHI_DELIVERY_BACKOFF_MAX_SECONDS": "2",
    "MADOGUCHI_DELIVERY_BACKOFF_JITTER_SECONDS": "0.2",
    "MADOGUCHI_DELIVERY_MAX_ATTEMPTS": "1000",
}
"""A fast-forward retry policy: the shipped one waits minutes, not tenths of a second."""
TIMEOUT_SECONDS = 900


def run(args: list[str]) -> Report:
    parser = argparse.ArgumentParser(prog="madoguchi bench delivery_faults")
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--seed", type=int, default=4)
    options = parser.parse_args(args)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        engine = _scratch_engine(options.backend, Path(folder))
        try:
            upgrade(engine)
            with ReferenceTarget() as target:
                report = _measure(engine, target, options)
        finally:
            engine.dispose()
            _drop(options.backend)
    report.notes.append(f"1-minute load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
                        "(other work on the machine inflates the figures)")
    return report


def _measure(engine: Engine, target: ReferenceTarget, options: argparse.Namespace) -> Report:
    with transaction(engine) as session:
        set_target(session, actor=Actor.operator("bench"), target=Target("child-support", "http", target.url))
    done = threading.Event()
    enqueued: list[uuid.UUID] = []
    producer = threading.Thread(target=_produce, args=(engine, options.deliveries, enqueued, options.seed))
    saboteur = threading.Thread(target=_sabotage, args=(target, done, options.seed))
    started = time.monotonic()
    worker = _start_worker(engine)
    producer.start()
    saboteur.start()
    kills = 0
    try:
        deadline = started + TIMEOUT_SECONDS
        while (settled := _settled(engine)) < options.deliveries:
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {settled} of {options.deliveries} settled in {TIMEOUT_SECONDS} s")
            if kills < options.kills and settled >= options.deliveries * (kills + 1) / (options.kills + 1):
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=30)
                kills += 1
                worker = _start_worker(engine)
            time.sleep(0.05)
        elapsed = time.monotonic() - started
    finally:
        done.set()
        _stop_worker(worker)
        producer.join(timeout=60)
        saboteur.join(timeout=10)
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
    report.notes.append("one worker process of 4 threads (the default); each restart costs the interpreter's "
                        "start-up (a few seconds) and the killed worker's 3-second lease")
    report.notes.append("target faults, seeded: 503 bursts (~0.3 s every ~1.5 s), slow spells of 0.2 s and "
                        "0.8 s per request (the worker's timeout is 0.5 s)")
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


def _sabotage(target: ReferenceTarget, done: threading.Event, seed: int) -> None:
    """Make the target fail now and then: 503 bursts and slow spells, some past the worker's timeout."""
    rng = random.Random(seed)
    while not done.wait(rng.uniform(0.8, 2.2)):
        fault = rng.choice(("503", "slow", "too-slow"))
        if fault == "503":
            target.fail_status, target.fail_headers = 503, {}
        else:
            target.delay = 0.2 if fault == "slow" else 0.8
        done.wait(rng.uniform(0.2, 0.5))
        target.fail_status, target.delay = None, 0.0


def _settled(engine: Engine) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(Delivery)
                              .where(Delivery.status != DeliveryStatus.PENDING)) or 0


def _start_worker(engine: Engine) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from madoguchi.cli import app; app()", "worker", "--poll", "0.05",
         "--db", engine.url.render_as_string(hide_password=False)],
        env={**os.environ, **WORKER_ENV}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stop_worker(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=30)


def _scratch_engine(backend: str, folder: Path) -> Engine:
    if backend == "sqlite":
        return make_engine(f"sqlite:///{folder / 'bench.db'}")
    _drop(backend)
    admin = make_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    return make_engine(make_url(POSTGRES_ADMIN).set(database=DATABASE).render_as_string(hide_password=False))


def _drop(backend: str) -> None:
    if backend != "postgres":
        return
    admin = make_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    admin.dispose()
