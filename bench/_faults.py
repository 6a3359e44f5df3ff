"""What the fault benchmarks share: a delivery worker process killed on cue and a target failing on purpose.

``run_under_faults`` runs a producer (something that commits deliveries) while
one ``madoguchi worker`` process delivers them to a ``ReferenceTarget``; the
target fails in seeded spells (503 bursts, slow answers, some past the
worker's timeout) and the worker is killed with SIGKILL at even steps of
progress and started again at once, until every delivery is settled
(delivered or dead).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, func, select

from madoguchi.db.engine import transaction
from madoguchi.intake.delivery_models import Delivery, DeliveryStatus
from madoguchi.intake.reference_target import ReferenceTarget

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
FAULTS_NOTE = ("target faults, seeded: 503 bursts (~0.3 s every ~1.5 s), slow spells of 0.2 s and 0.8 s per "
               "request (the worker's timeout is 0.5 s)")
WORKER_NOTE = ("one worker process of 4 threads (the default); each restart costs the interpreter's start-up "
               "(a few seconds) and the killed worker's 3-second lease")


def run_under_faults(engine: Engine, target: ReferenceTarget, *, total: int, kills: int, seed: int,
                     produce: Callable[[], None]) -> tuple[int, float]:
    """Run ``produce`` in a thread until ``total`` deliveries are settled; returns (kills made, seconds).

    Raises RuntimeError when they are not settled within ``TIMEOUT_SECONDS``,
    and re-raises what the producer raised.
    """
    done = threading.Event()
    failure: list[BaseException] = []

    def producer_thread() -> None:
        try:
            produce()
        except BaseException as exc:  # reported by the caller's thread
            failure.append(exc)

    producer = threading.Thread(target=producer_thread, name="producer")
    saboteur = threading.Thread(target=sabotage, args=(target, done, seed), name="saboteur")
    started = time.monotonic()
    worker = start_worker(engine)
    producer.start()
    saboteur.start()
    made = 0
    try:
        deadline = started + TIMEOUT_SECONDS
        while (count := settled(engine)) < total:
            if failure:
                raise failure[0]
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {count} of {total} settled in {TIMEOUT_SECONDS} s")
            if made < kills and count >= total * (made + 1) / (kills + 1):
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=30)
                made += 1
                worker = start_worker(engine)
            time.sleep(0.05)
        elapsed = time.monotonic() - started
    finally:
        done.set()
        stop_worker(worker)
        producer.join(timeout=120)
        saboteur.join(timeout=10)
    if failure:
        raise failure[0]
    return made, elapsed


def sabotage(target: ReferenceTarget, done: threading.Event, seed: int) -> None:
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


def settled(engine: Engine) -> int:
    """Deliveries no longer pending: delivered or dead."""
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(Delivery)
                              .where(Delivery.status != DeliveryStatus.PENDING)) or 0


def start_worker(engine: Engine) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from madoguchi.cli import app; app()", "worker", "--poll", "0.05",
         "--db", engine.url.render_as_string(hide_password=False)],
        env={**os.environ, **WORKER_ENV}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=30)
