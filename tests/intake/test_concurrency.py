"""Several workers at once, and a worker whose database connection is cut under load."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select, text

from madoguchi.db.engine import is_postgres, make_engine, transaction
from madoguchi.intake.channels import ChannelRegistry
from madoguchi.intake.delivery_models import Delivery, DeliveryEvent, DeliveryStatus, Outcome
from madoguchi.intake.delivery_settings import DeliverySettings
from madoguchi.intake.reference_target import ReferenceTarget
from madoguchi.intake.worker import claim_due, run_worker_in_thread

from .factories import a_target, committed_deliveries

WORKER_APP = "madoguchi-delivery-test"


def _delivered(engine: Engine) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(Delivery)
                              .where(Delivery.status == DeliveryStatus.DELIVERED)) or 0


def _wait_for(condition: object, seconds: float = 60) -> None:
    assert callable(condition)
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _delivered_outcomes(engine: Engine) -> Counter[int]:
    with transaction(engine) as session:
        return Counter(session.scalars(select(DeliveryEvent.delivery_pk)
                                       .where(DeliveryEvent.outcome == Outcome.DELIVERED)))


def test_a_claim_skips_the_rows_another_worker_is_claiming(clean_engine: Engine) -> None:
    if not is_postgres(clean_engine):
        pytest.skip("SQLite has one writer at a time; row locks are PostgreSQL's")
    committed_deliveries(clean_engine, 10)
    lease = timedelta(minutes=2)
    with transaction(clean_engine) as first:
        mine = {c.pk for c in claim_due(first, token=uuid.uuid4(), limit=5, lease=lease)}
        with transaction(clean_engine) as second:  # while the first claim is not committed
            second.execute(text("SET LOCAL lock_timeout = '2s'"))
            theirs = {c.pk for c in claim_due(second, token=uuid.uuid4(), limit=10, lease=lease)}
    assert len(mine) == len(theirs) == 5 and not mine & theirs


def test_two_workers_at_once_never_take_the_same_delivery(
        clean_engine: Engine, channels: ChannelRegistry, settings: DeliverySettings,
        target: ReferenceTarget) -> None:
    a_target(clean_engine, channels, "http", target.url)
    ids = committed_deliveries(clean_engine, 100)
    stop = threading.Event()
    busy = settings.model_copy(update={"batch_size": 5})
    workers = [run_worker_in_thread(clean_engine, stop, channels=channels, settings=busy) for _ in range(2)]
    try:
        _wait_for(lambda: _delivered(clean_engine) == len(ids))
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=10)
    assert target.requests_by_id() == {str(d): 1 for d in ids}, "no delivery was sent twice"
    assert set(_delivered_outcomes(clean_engine).values()) == {1}
    with transaction(clean_engine) as session:
        actors = set(session.scalars(select(DeliveryEvent.actor)))
    assert len(actors) == 2, "both workers took part"


def test_a_worker_whose_database_connection_is_cut_under_load_reconnects_and_loses_nothing(
        clean_engine: Engine, channels: ChannelRegistry, settings: DeliverySettings,
        target: ReferenceTarget) -> None:
    if not is_postgres(clean_engine):
        pytest.skip("needs pg_terminate_backend")
    a_target(clean_engine, channels, "http", target.url)
    worker_engine = make_engine(clean_engine.url.render_as_string(hide_password=False),
                                connect_args={"application_name": WORKER_APP})
    stop = threading.Event()
    short = settings.model_copy(update={"lease_seconds": 2, "batch_size": 5})
    worker = run_worker_in_thread(worker_engine, stop, channels=channels, settings=short)
    ids = []
    cut = 0
    try:
        for _ in range(20):  # under load: new deliveries keep coming while the connection is cut
            ids += committed_deliveries(clean_engine, 6)
            with clean_engine.connect() as admin:
                cut += admin.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                          "WHERE application_name = :app"), {"app": WORKER_APP}).scalar_one()
            time.sleep(0.03)
        _wait_for(lambda: _delivered(clean_engine) == len(ids))
    finally:
        stop.set()
        worker.join(timeout=10)
        worker_engine.dispose()
    assert cut >= 5, "the worker's connection was cut again and again"
    assert worker.is_alive() is False
    assert target.effects_by_id() == {str(d): 1 for d in ids}, "nothing lost, nothing taken twice"
    assert set(_delivered_outcomes(clean_engine).values()) == {1}
