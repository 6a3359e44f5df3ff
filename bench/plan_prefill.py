"""Plan and prefill of a whole birth bundle, in process: what a resident's confirmation page waits for.

Usage: madoguchi bench plan_prefill [--residents N] [--bundles B] [--backends sqlite,postgres] [--profile]

Generates a synthetic city of N residents, imports it into a scratch database
of each kind, then times B birth bundles (``prefill_bundle``: the household's
guidance read, the plan, every form of the plan with its reads, the shared
values), each its own committed transaction as a request is. Two households
report the birth: the demo's birth persona (an NHI couple whose son receives
child allowance: a bundle of six forms), and random households whose head has
a wife (their bundles vary). The plan alone (``plan_event``) is timed beside.
With ``--profile`` it prints where one backend's bundle time goes (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import aliased, sessionmaker

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.benchmark import Report, scratch_database
from madoguchi.catalog.directory import ServingCatalog, serving_catalog
from madoguchi.db.migrate import upgrade
from madoguchi.guidance.service import plan_event
from madoguchi.prefill.service import prefill_bundle
from madoguchi.registry.models import JukiRecord
from madoguchi.sources.importer import import_set
from madoguchi.sources.synthetic import PERSONAS, generate_city
from madoguchi.vault import Vault

SCRATCH = "madoguchi_bench_plan_prefill"
WARM_UP = 50
ACTOR = Actor.system("bench-front", None)

Answers = dict[str, Any]


def run(args: list[str]) -> Report:
    parser = argparse.ArgumentParser(prog="madoguchi bench plan_prefill")
    parser.add_argument("--residents", type=int, default=3000)
    parser.add_argument("--bundles", type=int, default=500)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args(args)
    report = Report("Plan and prefill of a birth bundle")
    report.notes.append(f"{options.residents:,}-resident synthetic city; {options.bundles:,} bundles per "
                        f"household kind, each its own committed transaction, after {WARM_UP} warm-up ones")
    serving = serving_catalog(None)
    vault = Vault.generate()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        city = Path(folder) / "city"
        generate_city(city, residents=options.residents, seed=20250401)
        for backend in options.backends.split(","):
            with scratch_database(backend, SCRATCH, Path(folder)) as engine:
                upgrade(engine)
                import_set(engine, city, vault=vault)
                _measure(report, backend, engine, serving, vault, options.bundles, options.profile)
    report.notes.append("persona: the demo's birth persona (father applies; 6 forms, 3 members; two reads: the "
                        "household, then every form's persons at once; 12 access-log entries); random: a head with "
                        "a wife, chosen at random (forms vary with the household)")
    report.notes.append("CPU: the benchmark process's own time (Python, SQLite in process; not the "
                        "PostgreSQL server's): waiting for the machine does not count, though sharing its cores "
                        "still slows the work")
    report.notes.append(f"1-minute load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
                        "(other work on the machine inflates the wall figures)")
    return report


def _measure(report: Report, backend: str, engine: Engine, serving: ServingCatalog, vault: Vault,
             bundles: int, profile: bool) -> None:
    sessions = sessionmaker(engine)  # as the web app's per-request session: one maker, reused
    born = clock.today() - timedelta(days=2)
    persona = PERSONAS["birth"]
    couples = _couples(sessions)
    rng = random.Random(7)

    def persona_answers() -> tuple[str, Answers]:
        return persona.applicant, _birth_answers(persona.members["father"], persona.members["mother"])

    def random_answers() -> tuple[str, Answers]:
        head, wife = rng.choice(couples)
        return head, _birth_answers(head, wife)

    def bundle(applicant: str, answers: Answers) -> None:
        with sessions() as session, session.begin():
            prefill_bundle(session, actor=ACTOR, catalog=serving.store.current, purposes=serving.purposes,
                           vault=vault, event_id="birth", applicant=applicant, event_date=born, answers=answers)

    def plan(applicant: str, answers: Answers) -> None:
        with sessions() as session, session.begin():
            plan_event(session, actor=ACTOR, catalog=serving.store.current, purposes=serving.purposes,
                       vault=vault, event_id="birth", applicant=applicant, event_date=born, answers=answers)

    scenarios: dict[str, tuple[Callable[[str, Answers], None], Callable[[], tuple[str, Answers]]]] = {
        "plan + prefill, persona": (bundle, persona_answers),
        "plan + prefill, random": (bundle, random_answers),
        "plan alone, persona": (plan, persona_answers),
    }
    for label, (work, who) in scenarios.items():
        wall, cpu = _timed(work, who, bundles)
        key = f"{backend}_{label.replace(' + ', '_').replace(', ', '_').replace(' ', '_')}"
        for measure, timings in (("", wall), (" (this process's CPU)", cpu)):
            cuts = statistics.quantiles(timings, n=100)
            suffix = "_cpu" if measure else ""
            report.add(f"{backend}: {label}{measure} p50", cuts[49], key=f"{key}{suffix}_p50_ms", unit="ms")
            report.add(f"{backend}: {label}{measure} p95", cuts[94], key=f"{key}{suffix}_p95_ms", unit="ms")
    if profile:
        _profile(backend, bundle, persona_answers)


def _timed(work: Callable[[str, Answers], None], who: Callable[[], tuple[str, Answers]],
           count: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each run: the CPU time tells the work from waiting on a busy machine."""
    wall: list[float] = []
    cpu: list[float] = []
    for i in range(WARM_UP + count):
        applicant, answers = who()
        started, used = time.perf_counter(), time.process_time()
        work(applicant, answers)
        if i >= WARM_UP:
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
    return wall, cpu


def _profile(backend: str, work: Callable[[str, Answers], None], who: Callable[[], tuple[str, Answers]]) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(200):
        work(*who())
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
    print(f"--- {backend}: where 200 persona bundles spend their time ---\n{out.getvalue()}")


def _birth_answers(father: str, mother: str) -> Answers:
    return {"mother": mother, "father": father, "claimant": father, "claimant_public_servant": False,
            "lump_sum_direct_payment": "partial", "single_parent": False}


def _couples(sessions: sessionmaker[Any]) -> list[tuple[str, str]]:
    """(head, wife) of every household whose head lives with a wife."""
    wife = aliased(JukiRecord)
    with sessions() as session:
        rows = session.execute(
            select(JukiRecord.atena_number, wife.atena_number)
            .join(wife, wife.household_number == JukiRecord.household_number)
            .where(JukiRecord.relationship == "世帯主", wife.relationship == "妻",
                   JukiRecord.valid_to.is_(None), wife.valid_to.is_(None),
                   JukiRecord.status == "1", wife.status == "1",
                   JukiRecord.support_measure.is_(False), wife.support_measure.is_(False))
            .order_by(JukiRecord.atena_number)).all()
    return [(head, spouse) for head, spouse in rows]

