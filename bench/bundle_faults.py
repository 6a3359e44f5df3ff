"""Signed bundles delivered under faults: every application reaches its department once, none lost.

Usage: madoguchi bench bundle_faults [--bundles N] [--residents R] [--backend postgres|sqlite]
       [--kills K] [--seed S]

A synthetic city of R residents in a scratch database; N households whose
head lives with a wife report a birth, each with a virtual card, a draft, the
certificate's photo and the signature prepared beforehand (as in
``bundle_intake``). Every department's target is the reference target over
HTTP (it takes each delivery id once and answers a repeat 409). Then, at once:
a producer submits the N bundles through ``submit_bundle`` (in this process,
each its own committed transaction, the card signature verified), one
``madoguchi worker`` process delivers, the target fails on purpose (503
bursts, slow spells, some past the worker's timeout) and the worker is killed
with SIGKILL K times at even steps of progress and started again at once
(``bench/_faults.py``, the same faults as ``delivery_faults``). The run ends
when every delivery is delivered or dead.

Counted at the target, by delivery id and by application reference (read
from each taken message): applications delivered once, lost (accepted but
never taken), duplicated (taken twice), and bundles whose every application
was taken once.

Why a benchmark of its own rather than a mode of ``delivery_faults``: that one
checks the outbox alone, with synthetic payloads and no city; this one starts
at the resident's signed bundle, which takes a city, cards and drafts (a
minute of preparation), and counts by the application's reference as a
department would. The fault machinery is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from _faults import FAULTS_NOTE, WORKER_NOTE, run_under_faults
from _intake_kit import Applicant, born_two_days_ago, couples, prepare_applicants
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from madoguchi.actor import Actor
from madoguchi.benchmark import Report, scratch_database
from madoguchi.catalog.directory import ServingCatalog, serving_catalog
from madoguchi.db.engine import transaction
from madoguchi.db.migrate import upgrade
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.identity.card_trust import load_card_trust
from madoguchi.intake.application_models import Application
from madoguchi.intake.bundles import submit_bundle
from madoguchi.intake.card_signature import card_signature_check
from madoguchi.intake.delivery_models import Delivery, DeliveryEvent, DeliveryStatus
from madoguchi.intake.reference_target import ReferenceTarget
from madoguchi.intake.signing import SignatureCheck
from madoguchi.intake.targets import Target, set_target
from madoguchi.sources.importer import import_set
from madoguchi.sources.synthetic import generate_city
from madoguchi.vault import Vault

DATABASE = "madoguchi_bench_bundle_faults"
SEED = 20250401


def run(args: list[str]) -> Report:
    parser = argparse.ArgumentParser(prog="madoguchi bench bundle_faults")
    parser.add_argument("--bundles", type=int, default=500)
    parser.add_argument("--residents", type=int, default=3000)
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--seed", type=int, default=4)
    options = parser.parse_args(args)
    load_before = os.getloadavg()[0]
    serving = serving_catalog(None)
    vault = Vault.generate()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        generate_city(folder / "city", residents=options.residents, seed=SEED)
        with scratch_database(options.backend, DATABASE, folder) as engine:
            upgrade(engine)
            import_set(engine, folder / "city", vault=vault)
            with ReferenceTarget() as target:
                report = _measure(engine, target, folder, serving, vault, options)
    report.notes.append(f"{options.residents:,}-resident synthetic city; birth bundles of households whose head "
                        "lives with a wife; every department's target is the reference target over HTTP")
    report.notes.append(f"1-minute load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
                        "(other work on the machine inflates the figures)")
    return report


def _measure(engine: Engine, target: ReferenceTarget, folder: Path, serving: ServingCatalog, vault: Vault,
             options: argparse.Namespace) -> Report:
    catalog = serving.store.current
    with transaction(engine) as session:
        for department in catalog.departments:
            set_target(session, actor=Actor.operator("bench"), target=Target(department, "http", target.url))
    households = couples(engine)
    if len(households) < options.bundles:
        raise SystemExit(f"the city has {len(households)} households of a head with a wife; {options.bundles} "
                         "are needed: raise --residents")
    random.Random(SEED).shuffle(households)
    authority = CardAuthority.open(folder / "card-ca")
    trust = load_card_trust(folder / "card-ca")
    started = time.monotonic()
    applicants = prepare_applicants(engine, serving=serving, vault=vault, authority=authority, trust=trust,
                                    households=households[:options.bundles], born=born_two_days_ago())
    prepared = time.monotonic() - started
    expected = sum(len(a.forms) for a in applicants)
    submitted: list[str] = []
    check = card_signature_check(trust, purposes=serving.purposes, vault=vault)

    def produce() -> None:
        """Submit every bundle as the intake does: one committed transaction each, the signature checked."""
        for applicant in applicants:
            with transaction(engine) as session:
                bundle = _submit(session, applicant, check, serving, vault)
            submitted.append(bundle)

    kills, elapsed = run_under_faults(engine, target, total=expected, kills=options.kills, seed=options.seed,
                                      produce=produce)
    return _report(engine, target, options, submitted, kills, elapsed, prepared, expected)


def _submit(session: Session, applicant: Applicant, check: SignatureCheck, serving: ServingCatalog,
            vault: Vault) -> str:
    bundle = submit_bundle(session, actor=Actor.resident(applicant.atena), catalog=serving.store.current,
                           vault=vault, check_signature=check, draft_id=uuid.UUID(applicant.draft_id),
                           values=applicant.values, signature=applicant.signature)
    return bundle.reference


def _report(engine: Engine, target: ReferenceTarget, options: argparse.Namespace, submitted: list[str],
            kills: int, elapsed: float, prepared: float, expected: int) -> Report:
    received = target.received
    by_id = target.effects_by_id()
    by_reference: Counter[str] = Counter()
    for request in received:
        if request.taken:
            by_reference[json.loads(request.body)["payload"]["reference"]] += 1
    with transaction(engine) as session:
        applications = dict(session.execute(select(Application.reference, Application.bundle_pk)).all())
        deliveries = [str(d) for d in session.scalars(select(Delivery.delivery_id))]
        statuses = dict(session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all())
        attempts = session.scalar(select(func.count()).select_from(DeliveryEvent)) or 0
        retried = session.scalar(select(func.count()).select_from(DeliveryEvent)
                                 .where(DeliveryEvent.outcome == "retry")) or 0
    whole: dict[int, bool] = {}
    for reference, bundle in applications.items():
        whole[bundle] = whole.get(bundle, True) and by_reference[reference] == 1
    report = Report("Signed bundles delivered under faults: target failing, worker killed")
    report.add("backend", options.backend)
    report.add("bundles submitted (through submit_bundle, signature checked)", len(submitted), key="bundles")
    report.add("applications accepted / deliveries in the outbox", f"{len(applications):,} / {len(deliveries):,}")
    report.figures["applications"] = len(applications)
    report.add("bundles delivered whole (every application taken once)", sum(whole.values()),
               key="bundles_delivered")
    report.add("applications delivered (taken once, by reference)",
               sum(1 for r in applications if by_reference[r] == 1), key="delivered")
    report.add("lost: by reference / by delivery id",
               f"{sum(1 for r in applications if by_reference[r] == 0)} / "
               f"{sum(1 for d in deliveries if by_id[d] == 0)}")
    report.figures["lost"] = sum(1 for r in applications if by_reference[r] == 0)
    report.add("duplicated: by reference / by delivery id",
               f"{sum(1 for c in by_reference.values() if c > 1)} / {sum(1 for c in by_id.values() if c > 1)}")
    report.figures["duplicated"] = sum(1 for c in by_reference.values() if c > 1)
    report.add("taken at the target but unknown to the database", len(set(by_reference) - set(applications)),
               key="unknown")
    report.add("marked delivered / dead in the database",
               f"{statuses.get(DeliveryStatus.DELIVERED, 0):,} / {statuses.get(DeliveryStatus.DEAD, 0):,}")
    report.add("repeats of a taken id, answered 409 (the Idempotency-Key at work)",
               sum(1 for r in received if r.status == 409), key="repeats")
    report.add("attempts recorded / of them failed and retried", f"{attempts:,} / {retried:,}")
    report.add("worker processes killed (SIGKILL) and restarted", kills, key="kills")
    report.add("wall time, first submission to last delivery", elapsed, key="seconds", unit="s")
    report.add("applications delivered per second, faults and restarts included", expected / elapsed,
               key="per_second", unit="/s")
    report.notes.append(f"{len(submitted):,} applicants prepared beforehand (card, links, draft, photo, "
                        f"signature) in {prepared:.0f} s; the producer submits while the worker delivers")
    report.notes.append(WORKER_NOTE)
    report.notes.append(FAULTS_NOTE)
    return report
