"""Signed bundles accepted over HTTP per second, beside a bare endpoint that only inserts the same rows.

Usage: madoguchi bench bundle_intake [--residents N] [--bundles B] [--clients C]
       [--backends postgres,sqlite] [--rounds R] [--processes P] [--profile]

For each backend: a synthetic city of N residents in a scratch database; B
(+ warm-up) households whose head lives with a wife report a birth. Each head
gets a virtual My Number card linked to them, a birth draft made from the hub,
the birth certificate's photo attached, every value the bundle asks for, and
the card's signature over the content to sign — all before anything is timed.
Each then logs in with the card (``POST /api/v1/login/challenge`` and
``/login/card``) on the real app, served by uvicorn on 127.0.0.1 as
``madoguchi serve`` serves it: one process, or P processes each binding the
port (``--processes``; no delivery worker in them: a city runs ``madoguchi
worker`` apart).

Timed: C clients (threads, one keep-alive httpx connection each) POST the B
signed bundles to ``/api/v1/bundles`` (session cookie, CSRF token,
Idempotency-Key), and in the same run the same bodies to the **floor**: a bare
FastAPI endpoint in this file, served the same way, that inserts the same rows
— the bundle, its applications, their first history rows and their outbox
deliveries — as plain inserts in one transaction, with no check. The two
alternate in R rounds so a change in the machine's other load falls on both.

Reported: bundles and applications accepted per second, latency p50/p95/p99
as the client saw it, errors, and the CPU each party used per bundle (server
process, PostgreSQL backends, the clients), with the machine's load.
``--profile`` then runs 200 more bundles in this process through what the
route does (session, CSRF, card trust, signature, idempotency, submit_bundle),
one at a time: half timed bare (wall and CPU per bundle, the SQL statements
sent), half under cProfile with a CPU clock, and prints where the CPU goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import secrets
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from _intake_kit import (
    Applicant,
    CpuMeter,
    Served,
    born_two_days_ago,
    couples,
    log_in,
    percentiles,
    prepare_applicants,
)
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, event, func, insert, select
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.benchmark import Report, bench_dir, scratch_database
from madoguchi.catalog.directory import ServingCatalog, serving_catalog
from madoguchi.db.engine import make_engine, transaction
from madoguchi.db.migrate import upgrade
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.identity.card_settings import CardSettings
from madoguchi.identity.card_trust import configured_trust, load_card_trust
from madoguchi.intake.application_models import Application, ApplicationEvent, Bundle, Draft
from madoguchi.intake.bundles import submit_bundle
from madoguchi.intake.card_signature import card_signature_check
from madoguchi.intake.delivery_models import Delivery
from madoguchi.intake.references import new_reference
from madoguchi.intake.sealed_fields import is_sealed
from madoguchi.settings import Settings
from madoguchi.sources.importer import import_set
from madoguchi.sources.synthetic import generate_city
from madoguchi.vault import Vault, load_vault
from madoguchi.web.api.intake import BundleRequest
from madoguchi.web.idempotency import replay_or_run
from madoguchi.web.resident import RESIDENT_MAX
from madoguchi.web.sessions import SessionPolicy, check_csrf, resume_session, start_session

DATABASE = "madoguchi_bench_bundle_intake"
WARM_UP = 40
PROFILED = 200
FLOOR_TEMPLATES = "MADOGUCHI_BENCH_FLOOR_TEMPLATES"
TARGET_RATE, TARGET_P99 = 200.0, 200.0
SEED = 20250401


def run(args: list[str]) -> Report:
    parser = argparse.ArgumentParser(prog="madoguchi bench bundle_intake")
    parser.add_argument("--residents", type=int, default=4000)
    parser.add_argument("--bundles", type=int, default=600)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--processes", type=int, default=1,
                        help="serving processes each binding the port (SO_REUSEPORT), for both endpoints")
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args(args)
    report = Report("Bundle intake over HTTP, beside a bare insert of the same rows")
    load_before = os.getloadavg()[0]
    serving = serving_catalog(None)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        generate_city(folder / "city", residents=options.residents, seed=SEED)
        vault = load_vault(folder / "keys.json")  # the file the served app opens
        CardAuthority.open(folder / "card-ca")
        for backend in options.backends.split(","):
            with scratch_database(backend, DATABASE, folder) as engine:
                upgrade(engine)
                import_set(engine, folder / "city", vault=vault)
                _measure(report, backend, engine, folder, serving, vault, options)
    report.notes.append(
        f"{options.residents:,}-resident synthetic city; per backend {options.bundles:,} bundles to each "
        f"endpoint from {options.clients} concurrent clients (threads, one keep-alive connection each), in "
        f"{options.rounds} alternating rounds, after {WARM_UP} warm-up bundles to each")
    processes = ("one process" if options.processes == 1 else
                 f"{options.processes} processes each binding the port (`madoguchi serve --processes "
                 f"{options.processes}`)")
    report.notes.append(
        f"served: `madoguchi.web.app:create_app` as `madoguchi serve` serves it, {processes} (httptools, uvloop; the "
        "sync routes run in its thread pool), no delivery worker inside; the floor `bundle_intake:floor_app` "
        "the same way; clients, server and PostgreSQL share the machine's cores")
    report.notes.append(
        "intake: session cookie + CSRF token + Idempotency-Key, the card signature verified (certificate, "
        "CRL, RSA), the draft read and locked, values and evidence checked, duplicates refused, rows "
        "written, the idempotency record, the draft marked; floor: the same request body parsed, then "
        "the bundle, applications, history rows and deliveries inserted in one transaction (SQLAlchemy "
        "Core, executemany), no check")
    report.notes.append(
        "latency: from the client's send to the whole answer read, wall clock; CPU per bundle: the "
        "server's processes, the scratch database's PostgreSQL backends, the clients (this process); "
        "others' work: the machine's busy CPU not counted in those three")
    report.notes.append(f"1-minute load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
                        "(other engineers' tests run on the same 2 cores and inflate the wall figures)")
    return report


@dataclass
class Phase:
    """One endpoint's requests: what the clients saw and what CPU it took."""

    latencies_ms: list[float] = field(default_factory=list)
    wall: float = 0.0
    accepted: int = 0
    applications: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    cpu: Counter[str] = field(default_factory=Counter)

    def add(self, other: Phase) -> None:
        self.latencies_ms += other.latencies_ms
        self.wall += other.wall
        self.accepted += other.accepted
        self.applications += other.applications
        self.errors.update(other.errors)
        self.cpu.update(other.cpu)


def _measure(report: Report, backend: str, engine: Engine, folder: Path, serving: ServingCatalog, vault: Vault,
             options: argparse.Namespace) -> None:
    households = couples(engine)
    wanted = WARM_UP + options.bundles + (PROFILED if options.profile else 0)
    if len(households) < wanted:
        raise SystemExit(f"the city has {len(households)} households of a head with a wife; {wanted} are "
                         "needed: raise --residents")
    random.Random(SEED).shuffle(households)
    authority = CardAuthority.open(folder / "card-ca")
    trust = load_card_trust(folder / "card-ca")
    started = time.monotonic()
    applicants = prepare_applicants(engine, serving=serving, vault=vault, authority=authority, trust=trust,
                                    households=households[:wanted], born=born_two_days_ago())
    prepared = time.monotonic() - started
    floor_ids = _floor_drafts(engine, applicants, folder / f"floor-{backend}.json")
    url = engine.url.render_as_string(hide_password=False)
    env = {"MADOGUCHI_DATABASE_URL": url, "MADOGUCHI_KEYS_FILE": str(folder / "keys.json"),
           "MADOGUCHI_CARD_TRUST_DIR": str(folder / "card-ca"), "MADOGUCHI_INSECURE_COOKIES": "true",
           FLOOR_TEMPLATES: str(folder / f"floor-{backend}.json")}
    database = DATABASE if backend == "postgres" else None
    warm, timed = applicants[:WARM_UP], applicants[WARM_UP:WARM_UP + options.bundles]
    intake, floor = Phase(), Phase()
    with Served("madoguchi.web.app:create_app", env, log=folder / "intake.log", processes=options.processes) as real, \
            Served("bundle_intake:floor_app", env, app_dir=bench_dir(), log=folder / "floor.log",
                   processes=options.processes) as bare:
        _log_in_all(real.url, applicants[:WARM_UP + options.bundles], options.clients)
        to_real, to_bare = _clients(real, options.clients), _clients(bare, options.clients)
        _drive(real, to_real, "/api/v1/bundles", _requests(warm), database)
        _drive(bare, to_bare, "/bundles", _requests(warm, floor_ids), database)
        for chunk in _chunks(timed, options.rounds):
            intake.add(_drive(real, to_real, "/api/v1/bundles", _requests(chunk), database))
            floor.add(_drive(bare, to_bare, "/bundles", _requests(chunk, floor_ids), database))
        for http in to_real + to_bare:
            http.close()
    rows = _rows(engine)
    _report(report, backend, intake, floor, rows, len(timed), prepared, len(applicants))
    if options.profile:
        _profile(backend, engine, folder, serving, vault, applicants[WARM_UP + options.bundles:])


def _log_in_all(url: str, applicants: Sequence[Applicant], clients: int) -> None:
    lock = threading.Lock()
    queue = iter(applicants)

    def client() -> None:
        with httpx.Client(base_url=url, timeout=60, verify=False) as http:
            while True:
                with lock:
                    applicant = next(queue, None)
                if applicant is None:
                    return
                http.cookies.clear()
                log_in(http, applicant)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    missing = [a.atena for a in applicants if not a.session_cookie]
    if missing:
        raise RuntimeError(f"{len(missing)} applicants could not log in (first: {missing[0]})")


Request = tuple[bytes, dict[str, str]]


def _requests(applicants: Sequence[Applicant], floor_ids: dict[str, str] | None = None) -> list[Request]:
    """Each applicant's POST: the signed body and the headers a resident's front sends."""
    requests = []
    for applicant in applicants:
        body = applicant.body()
        if floor_ids is not None:
            body["draft"] = floor_ids[applicant.draft_id]
        requests.append((json.dumps(body, ensure_ascii=False).encode(), {
            "Content-Type": "application/json", "Cookie": f"madoguchi_resident_session={applicant.session_cookie}",
            "X-CSRF-Token": applicant.csrf_token, "Idempotency-Key": str(uuid.uuid4())}))
    return requests


def _chunks(items: Sequence[Applicant], count: int) -> list[Sequence[Applicant]]:
    size = -(-len(items) // max(1, count))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _clients(served: Served, count: int) -> list[httpx.Client]:
    """Keep-alive clients of one served app. Plain http on the loopback: no TLS, so no CA bundle to load
    (loading it costs a client 0.2 s of CPU)."""
    return [httpx.Client(base_url=served.url, timeout=120, verify=False) for _ in range(count)]


def _drive(served: Served, clients: Sequence[httpx.Client], path: str, requests: list[Request],
           database: str | None) -> Phase:
    """Send the requests from every client at once (a thread each), each sending as soon as answered."""
    lock = threading.Lock()
    queue = iter(requests)
    phase = Phase()
    answers: list[tuple[float, float, int, bytes]] = []

    def client(http: httpx.Client) -> None:
        while True:
            with lock:
                request = next(queue, None)
            if request is None:
                return
            body, headers = request
            sent = time.perf_counter()
            try:
                response = http.post(path, content=body, headers=headers)
                status, content = response.status_code, response.content
            except httpx.HTTPError as exc:
                status, content = 0, repr(exc).encode()
            answered = time.perf_counter()
            with lock:
                answers.append((sent, answered, status, content))

    meter = CpuMeter(served.pid, database)
    threads = [threading.Thread(target=client, args=(http,)) for http in clients]
    meter.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.cpu.update(meter.stop())
    phase.wall = max(a[1] for a in answers) - min(a[0] for a in answers)
    for sent, answered, status, content in answers:
        phase.latencies_ms.append((answered - sent) * 1000)
        if status == 201:
            phase.accepted += 1
            phase.applications += len(json.loads(content)["applications"])
        else:
            phase.errors[f"{status} {content[:200].decode(errors='replace')}"] += 1
    return phase


def _report(report: Report, backend: str, intake: Phase, floor: Phase, rows: dict[str, int], bundles: int,
            prepared: float, applicants: int) -> None:
    for name, phase in (("intake", intake), ("floor", floor)):
        p50, p95, p99 = percentiles(phase.latencies_ms)
        rate = phase.accepted / phase.wall if phase.wall else 0.0
        key = f"{backend}_{name}"
        report.add(f"{backend}: {name}: bundles accepted per second", rate, key=f"{key}_bundles_per_second",
                   unit="/s")
        report.add(f"{backend}: {name}: applications per second", phase.applications / phase.wall,
                   key=f"{key}_applications_per_second", unit="/s")
        report.add(f"{backend}: {name}: latency p50 / p95 / p99", f"{p50:.1f} / {p95:.1f} / {p99:.1f} ms")
        report.figures.update({f"{key}_p50_ms": p50, f"{key}_p95_ms": p95, f"{key}_p99_ms": p99})
        report.add(f"{backend}: {name}: errors", sum(phase.errors.values()), key=f"{key}_errors")
        cpu = {part: phase.cpu[part] / max(1, phase.accepted) * 1000 for part in ("server", "database", "client")}
        report.add(f"{backend}: {name}: CPU per bundle: server / database / clients",
                   f"{cpu['server']:.1f} / {cpu['database']:.1f} / {cpu['client']:.1f} ms")
        report.figures.update({f"{key}_cpu_{part}_ms": value for part, value in cpu.items()})
        total = phase.cpu["machine_total"] or 1.0
        ours = phase.cpu["server"] + phase.cpu["database"] + phase.cpu["client"]
        busy, others = phase.cpu["machine_busy"] / total * 100, (phase.cpu["machine_busy"] - ours) / total * 100
        report.add(f"{backend}: {name}: machine's CPU busy / of it others' work", f"{busy:.0f} % / {others:.0f} %")
        report.figures.update({f"{key}_machine_busy_percent": busy, f"{key}_others_percent": others})
        for error, count in phase.errors.most_common(3):
            report.notes.append(f"{backend} {name} error ×{count}: {error}")
    report.add(f"{backend}: applications per bundle (mean)", intake.applications / max(1, intake.accepted),
               key=f"{backend}_applications_per_bundle")
    report.add(f"{backend}: intake rate / floor rate",
               (intake.accepted / intake.wall) / (floor.accepted / floor.wall) if floor.wall and intake.wall else 0.0,
               key=f"{backend}_intake_over_floor")
    if backend == "postgres":
        p99 = percentiles(intake.latencies_ms)[2]
        rate = intake.accepted / intake.wall if intake.wall else 0.0
        met = rate >= TARGET_RATE and p99 < TARGET_P99
        report.add("postgres: target (≥ 200 bundles/s, p99 < 200 ms)",
                   "met" if met else f"not met ({rate:.0f} bundles/s, p99 {p99:.0f} ms)")
    report.add(f"{backend}: rows after the run: bundles / applications / history / deliveries",
               f"{rows['bundles']:,} / {rows['applications']:,} / {rows['events']:,} / {rows['deliveries']:,}")
    report.notes.append(f"{backend}: {applicants:,} applicants prepared (card, links, draft, photo, signature) in "
                        f"{prepared:.0f} s, before the timed part; {bundles:,} timed bundles per endpoint")


def _rows(engine: Engine) -> dict[str, int]:
    with transaction(engine) as session:
        return {name: session.scalar(select(func.count()).select_from(model)) or 0
                for name, model in (("bundles", Bundle), ("applications", Application),
                                    ("events", ApplicationEvent), ("deliveries", Delivery))}


# --- the floor: the same rows, nothing else -----------------------------------------------------------


def _floor_drafts(engine: Engine, applicants: Sequence[Applicant], templates: Path) -> dict[str, str]:
    """A draft row of its own for each floor bundle (a bundle's draft is unique) and the rows' templates.

    Returns the floor's draft id for each applicant's draft id.
    """
    now = clock.now()
    ids: dict[str, str] = {}
    kept: dict[str, Any] = {}
    with transaction(engine) as session:
        for applicant in applicants:
            real = session.scalar(select(Draft).where(Draft.draft_id == uuid.UUID(applicant.draft_id)))
            assert real is not None
            twin = Draft(draft_id=uuid.uuid4(), applicant=real.applicant, event=real.event,
                         event_date=real.event_date, answers={}, lang=real.lang, filled={}, values={},
                         created_at=now, updated_at=now, expires_at=real.expires_at)
            session.add(twin)
            session.flush()
            ids[applicant.draft_id] = str(twin.draft_id)
            kept[str(twin.draft_id)] = {
                "draft_pk": twin.id, "applicant": real.applicant, "event": real.event,
                "event_date": real.event_date.isoformat(), "lang": real.lang,
                "forms": [{"procedure": f["procedure"], "subject": f["subject"], "department": f["department"],
                           "fields": [_given(entry, applicant.values) for entry in f["fields"]],
                           "evidence": f["evidence"],
                           "deadline": applicant.deadlines.get((f["procedure"], f["subject"]))}
                          for f in real.filled["forms"]]}
    templates.write_text(json.dumps(kept, ensure_ascii=False))
    return ids


def _given(entry: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A field as the application keeps it, near enough: the value given for an input (not sealed)."""
    stored = {key: entry.get(key) for key in ("id", "label", "type", "value", "display", "source", "hint")}
    key = entry.get("input")
    if key is None:
        return stored
    value = values.get(key)
    return {**stored, "value": value, "display": None if value is None else str(value),
            "source": {"resident": True}}


def floor_app() -> FastAPI:
    """The floor: one endpoint that inserts a bundle's rows and nothing else (``uvicorn --factory``)."""
    engine = make_engine(os.environ["MADOGUCHI_DATABASE_URL"], hide_parameters=True)
    templates: dict[str, Any] = json.loads(Path(os.environ[FLOOR_TEMPLATES]).read_text())
    app = FastAPI(title="madoguchi bench: the floor")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/bundles", status_code=201)
    def insert_bundle(body: BundleRequest) -> JSONResponse:
        return JSONResponse(_insert(engine, templates[str(body.draft)], body), status_code=201)

    return app


def _insert(engine: Engine, template: dict[str, Any], body: BundleRequest) -> dict[str, Any]:
    now = clock.now()
    event_date = date.fromisoformat(template["event_date"])
    bundle = {"reference": new_reference(), "draft_pk": template["draft_pk"], "applicant": template["applicant"],
              "event": template["event"], "event_date": event_date, "content_digest": secrets.token_hex(32),
              "submitted_at": now, "lang": template["lang"],
              "signature": {"algorithm": "RS256", "value": body.signature.value, "issuer": "bench", "serial": "0"}}
    forms = template["forms"]
    applications = [{
        "reference": new_reference(), "procedure": f["procedure"], "subject": f["subject"],
        "subject_atena": f["subject"] if f["subject"].isdigit() else None, "department": f["department"],
        "status": "received", "open_key": f"{f['procedure']}|{uuid.uuid4()}",
        "deadline": date.fromisoformat(f["deadline"]) if f["deadline"] else None, "fields": f["fields"],
        "evidence": f["evidence"], "created_at": now, "updated_at": now} for f in forms]
    with engine.begin() as connection:
        bundle_pk = connection.execute(insert(Bundle).values(**bundle).returning(Bundle.id)).scalar_one()
        for row in applications:
            row["bundle_pk"] = bundle_pk
        pks = connection.execute(insert(Application).returning(Application.id, sort_by_parameter_order=True),
                                 applications).scalars().all()
        connection.execute(insert(ApplicationEvent), [
            {"application_pk": pk, "at": now, "status": "received", "actor_kind": "resident",
             "actor_id": template["applicant"], "reason": None} for pk in pks])
        connection.execute(insert(Delivery), [
            {"delivery_id": uuid.uuid4(), "department": row["department"], "kind": "application",
             "payload": _message(row, bundle), "status": "pending", "created_at": now, "queued_at": now,
             "next_attempt_at": now, "attempts": 0, "round_attempts": 0} for row in applications])
    return {"reference": bundle["reference"], "submitted_at": now.isoformat(),
            "applications": [{"reference": row["reference"], "procedure": row["procedure"],
                              "subject": row["subject"], "department": row["department"], "status": "received"}
                             for row in applications], "co_sign_links": []}


def _message(application: dict[str, Any], bundle: dict[str, Any]) -> dict[str, Any]:
    """The delivery's message, shaped as ``intake.routing.application_message`` shapes it."""
    deadline = application["deadline"]
    return {"reference": application["reference"], "bundle": bundle["reference"],
            "procedure": application["procedure"], "subject": application["subject"],
            "applicant": bundle["applicant"], "event": bundle["event"],
            "event_date": bundle["event_date"].isoformat(), "submitted_at": bundle["submitted_at"].isoformat(),
            "deadline": deadline.isoformat() if deadline else None,
            "fields": [{"id": f["id"], "value": None if is_sealed(f.get("value")) else f.get("value"),
                        "withheld": is_sealed(f.get("value")), "source": f.get("source")}
                       for f in application["fields"]],
            "fetch": f"/api/v1/backoffice/applications/{application['reference']}"}


# --- where the intake's time goes ----------------------------------------------------------------------


def _profile(backend: str, engine: Engine, folder: Path, serving: ServingCatalog, vault: Vault,
             applicants: Sequence[Applicant]) -> None:
    """Where the route's work goes, in this process, one bundle after another (no HTTP, no concurrency).

    The first half is timed bare (wall and CPU per bundle, SQL statements
    sent), the second half under cProfile with a CPU clock, so the profile
    shows CPU spent, not time waiting for the database.
    """
    policy = SessionPolicy(idle=RESIDENT_MAX, absolute=RESIDENT_MAX)
    with transaction(engine) as session:
        for applicant in applicants:
            live = start_session(session, actor_kind="resident", actor_id=applicant.atena, department=None,
                                 policy=policy)
            applicant.session_cookie, applicant.csrf_token = live.session_id, live.csrf_token
    work = [(a, json.dumps(a.body()).encode()) for a in applicants]
    # as the served app has them: its settings read once, the card settings cached
    settings, card = Settings(keys_file=folder / "keys.json"), CardSettings(trust_dir=folder / "card-ca")
    bare, profiled = work[:len(work) // 2], work[len(work) // 2:]
    statements: Counter[str] = Counter()

    def count(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        words = statement.split()
        table = next((w for i, w in enumerate(words) if i and words[i - 1].upper() in ("INTO", "FROM", "UPDATE")),
                     "")
        statements[f"{words[0].upper()} {table.strip(chr(34))}".strip()] += 1

    event.listen(engine, "before_cursor_execute", count)
    wall, cpu = time.perf_counter(), time.process_time()
    for applicant, raw in bare:
        _route(engine, settings, card, serving, vault, applicant, raw)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    event.remove(engine, "before_cursor_execute", count)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for applicant, raw in profiled:
        _route(engine, settings, card, serving, vault, applicant, raw)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(70)
    stats.sort_stats("tottime").print_stats(30)
    sent = "\n".join(f"  {n / len(bare):5.1f}  {what}" for what, n in statements.most_common())
    print(f"--- {backend}: the route's work in process, one bundle at a time: {wall / len(bare) * 1000:.1f} ms "
          f"wall, {cpu / len(bare) * 1000:.1f} ms CPU per bundle ({len(bare)} bundles); SQL statements per "
          f"bundle ({sum(statements.values()) / len(bare):.1f}, BEGIN/COMMIT not counted):\n{sent}\n"
          f"--- {backend}: CPU profile of {len(profiled)} more bundles ---\n{out.getvalue()}")


def _route(engine: Engine, settings: Settings, card: CardSettings, serving: ServingCatalog, vault: Vault,
           applicant: Applicant, raw: bytes) -> None:
    """What the route and its dependencies do for one request, without HTTP."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        live = resume_session(session, session_id=applicant.session_cookie)
        assert live is not None
        check_csrf(live.csrf_token, applicant.csrf_token)
        body = BundleRequest.model_validate_json(raw)
        trust = configured_trust(settings, card)
        check = card_signature_check(trust, purposes=serving.purposes, vault=vault)
        catalog = serving.store.current

        def work() -> dict[str, Any]:
            submitted = submit_bundle(session, actor=Actor.resident(applicant.atena), catalog=catalog,
                                      vault=vault, check_signature=check, draft_id=body.draft,
                                      values=body.values, signature=body.signature)
            return submitted.to_json()

        replay_or_run(session, scope=f"resident:{applicant.atena}:/api/v1/bundles", key=str(uuid.uuid4()),
                      body=body.model_dump(mode="json"), status_code=201, run=work)

