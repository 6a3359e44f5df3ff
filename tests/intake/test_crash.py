"""A `madoguchi worker` process killed (SIGKILL) in the middle of a delivery: another worker finishes the work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select

from madoguchi.db.engine import transaction
from madoguchi.intake.channels import ChannelRegistry
from madoguchi.intake.delivery_models import Delivery
from madoguchi.intake.reference_target import ReferenceTarget
from madoguchi.intake.worker import run_once

from .factories import a_target, committed_deliveries, delivery

LEASE_SECONDS = 2


def _worker(engine: Engine) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MADOGUCHI_DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
           "MADOGUCHI_DELIVERY_HTTP_TIMEOUT_SECONDS": "10"}
    return subprocess.Popen([sys.executable, "-c", "from madoguchi.cli import app; app()", "worker",
                             "--poll", "0.05", "--db", engine.url.render_as_string(hide_password=False)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _leases_ran_out(engine: Engine) -> bool:
    with transaction(engine) as session:
        latest = session.scalar(select(func.max(Delivery.locked_until)))
    return latest is None or latest.replace(tzinfo=latest.tzinfo or UTC) < datetime.now(UTC)


def test_a_worker_killed_mid_delivery_loses_nothing_and_the_target_takes_nothing_twice(
        clean_engine: Engine, channels: ChannelRegistry, target: ReferenceTarget) -> None:
    a_target(clean_engine, channels, "http", target.url)
    ids = committed_deliveries(clean_engine, 5)
    target.delay = 1.0  # the request is in flight for a second
    first = _worker(clean_engine)
    try:
        assert target.arrived.wait(timeout=60), "the worker never sent anything"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=10)
    in_flight = target.received[0].delivery_id
    assert delivery(clean_engine, ids[[str(d) for d in ids].index(in_flight)]).status == "pending"
    target.delay = 0.0
    deadline = time.monotonic() + 10 * LEASE_SECONDS
    while not _leases_ran_out(clean_engine):
        assert time.monotonic() < deadline, "the killed worker's lease never ran out"
        time.sleep(0.1)

    assert run_once(clean_engine, channels=channels, worker="second") == 5

    assert [delivery(clean_engine, d).status for d in ids] == ["delivered"] * 5
    assert target.effects_by_id() == {str(d): 1 for d in ids}, "each taken exactly once"
    assert target.requests_by_id()[in_flight] == 2, "the interrupted one was sent again, with the same id"
