"""What the intake benchmarks share: applicants with a card and a signed birth bundle, a served app, CPU meters.

``prepare_applicants`` turns households whose head lives with a wife into
applicants ready to submit: a virtual My Number card (certificates issued by
the bench's card authority for a few reused RSA keys, both linked to the
resident as the counter links them), a birth draft made from the hub as
``POST /drafts`` makes it, the birth certificate's photo attached, every
value the bundle asks for, and the card's signature over the exact content
``content_to_sign`` gives. Only the submission is left, which is what is
measured.
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pydantic import JsonValue
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import aliased

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.benchmark import POSTGRES_ADMIN_URL
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.db.engine import make_engine, transaction
from madoguchi.identifiers import my_number_check_digit
from madoguchi.identity.card_authority import CardAuthority, new_key
from madoguchi.identity.card_links import add_link, basic_items_of
from madoguchi.identity.card_profile import CertificateKind
from madoguchi.identity.card_trust import CardTrust
from madoguchi.identity.card_verify import verify_certificate
from madoguchi.intake.application_models import Draft
from madoguchi.intake.attachments import add_attachment
from madoguchi.intake.bundles import content_to_sign
from madoguchi.intake.card_signature import sign_with
from madoguchi.intake.drafts import DraftView, create_draft
from madoguchi.intake.signing import CardSignature
from madoguchi.registry.models import JukiRecord
from madoguchi.vault import Vault

CARD_OFFICE = Actor.operator("card-office")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 4096
"""A photo of a paper birth certificate, as far as the intake checks (its first bytes)."""
KITAMI: dict[str, JsonValue] = {"postal_code": "0900015", "prefecture": "北海道", "city": "北見市", "town": "公園町", "block": "1"}
ACCOUNT: dict[str, JsonValue] = {"bank_code": "0116", "branch_code": "201", "account_type": "1", "account_number": "1234567",
           "holder_kana": "ヤマダ"}
MY_NUMBER = "12345678901" + str(my_number_check_digit("12345678901"))
BY_NAME: dict[str, JsonValue] = {
    "applicant.phone": "0157234567", "newborn.given_name": "花", "newborn.given_name_kana": "ハナ",
    "newborn.relationship": "長女", "newborn.sex": "2", "birth_time": "10:42", "birth_place": KITAMI,
    "honseki": KITAMI, "hittousha": "山田 太郎", "informant_role": "father", "facility": "北見赤十字病院",
    "babies": 1, "delivery_cost": 500000, "birth_weight": 3120, "birth_length": 49, "gestational_weeks": 39,
    "children": ["newborn"], "cohabitation_since": "2020-04",
}
"""Values by input key, or by the key's last part (``birth-lump-sum/<宛名番号>/babies``)."""


@dataclass
class Applicant:
    """A resident ready to submit a signed birth bundle."""

    atena: str
    draft_id: str
    values: dict[str, JsonValue]
    signature: CardSignature
    forms: list[dict[str, Any]]
    """The draft's forms as kept (sealed), for the floor's rows."""
    deadlines: dict[tuple[str, str], str | None]
    auth_key: rsa.RSAPrivateKey
    auth_certificate_der: bytes
    session_cookie: str = ""
    csrf_token: str = ""

    def body(self) -> dict[str, Any]:
        """What ``POST /api/v1/bundles`` is sent."""
        return {"draft": self.draft_id, "values": self.values,
                "signature": {"certificate": self.signature.certificate, "value": self.signature.value}}


def couples(engine: Engine) -> list[tuple[str, str]]:
    """(head, wife) of every household whose head lives with a wife, neither under 支援措置."""
    wife = aliased(JukiRecord)
    with transaction(engine) as session:
        rows = session.execute(
            select(JukiRecord.atena_number, wife.atena_number)
            .join(wife, wife.household_number == JukiRecord.household_number)
            .where(JukiRecord.relationship == "世帯主", wife.relationship == "妻",
                   JukiRecord.valid_to.is_(None), wife.valid_to.is_(None),
                   JukiRecord.status == "1", wife.status == "1",
                   JukiRecord.support_measure.is_(False), wife.support_measure.is_(False))
            .order_by(JukiRecord.atena_number)).all()
    return [(head, spouse) for head, spouse in rows]


def birth_answers(head: str, wife: str) -> dict[str, JsonValue]:
    return {"mother": wife, "father": head, "claimant": head, "claimant_public_servant": False,
            "lump_sum_direct_payment": "partial", "single_parent": False}


def values_for(draft: DraftView) -> dict[str, JsonValue]:
    """A valid value for every required input of a birth bundle (and for nothing else)."""
    values: dict[str, JsonValue] = {}
    for entry in draft.filled["inputs"]:
        if not entry["required"]:
            continue
        key, kind = entry["key"], entry["type"]
        name = key.rsplit("/", 1)[-1]
        if key in BY_NAME or name in BY_NAME:
            values[key] = BY_NAME.get(key, BY_NAME.get(name))
        elif name.endswith("my_number"):
            values[key] = MY_NUMBER
        else:
            by_type: dict[str, JsonValue] = {
                "select": entry["options"][0]["value"] if entry["options"] else None, "bool": False,
                "person": "newborn", "persons": ["newborn"], "kana": "ヤマダ", "number": 1, "address": KITAMI,
                "account": ACCOUNT, "date": "1990-04-01", "era_date": "1990-04-01"}
            values[key] = by_type.get(kind, "山田")
    return values


def prepare_applicants(engine: Engine, *, serving: ServingCatalog, vault: Vault, authority: CardAuthority,
                       trust: CardTrust, households: Sequence[tuple[str, str]], born: date,
                       keys: int = 4, threads: int = 2,
                       progress: Callable[[int], None] | None = None) -> list[Applicant]:
    """One applicant per household, each its own committed transaction (``threads`` at a time).

    RSA key generation takes a tenth of a second a key, so ``keys`` key pairs
    serve every card; each card still has its own certificates (serials),
    linked to its resident.
    """
    signing_keys = [new_key() for _ in range(keys)]
    auth_keys = [new_key() for _ in range(keys)]
    done: list[int] = []

    def one(index: int, head: str, wife: str) -> Applicant:
        applicant = _prepare(engine, serving=serving, vault=vault, authority=authority, trust=trust,
                             atena=head, answers=birth_answers(head, wife), born=born,
                             signing_key=signing_keys[index % keys], auth_key=auth_keys[index % keys])
        done.append(index)
        if progress is not None:
            progress(len(done))
        return applicant

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, range(len(households)), *zip(*households, strict=True)))


def _prepare(engine: Engine, *, serving: ServingCatalog, vault: Vault, authority: CardAuthority, trust: CardTrust,
             atena: str, answers: dict[str, JsonValue], born: date, signing_key: rsa.RSAPrivateKey,
             auth_key: rsa.RSAPrivateKey) -> Applicant:
    catalog, purposes = serving.store.current, serving.purposes
    actor = Actor.resident(atena)
    with transaction(engine) as session:
        items = basic_items_of(session, actor=CARD_OFFICE, atena_number=atena, purposes=purposes, vault=vault)
        signing = authority.issue_certificate(signing_key.public_key(), kind=CertificateKind.SIGNING,
                                              basic_items=items)
        auth = authority.issue_certificate(auth_key.public_key(), kind=CertificateKind.AUTHENTICATION)
        signing_der, auth_der = (c.public_bytes(serialization.Encoding.DER) for c in (signing, auth))
        for der, kind in ((signing_der, CertificateKind.SIGNING), (auth_der, CertificateKind.AUTHENTICATION)):
            holder = verify_certificate(der, kind=kind, trust=trust, at=clock.now())
            add_link(session, actor=CARD_OFFICE, atena_number=atena, holder=holder)
        draft = create_draft(session, actor=actor, catalog=catalog, purposes=purposes, vault=vault,
                             event_id="birth", event_date=born, answers=answers)
        for form in draft.filled["forms"]:
            for need in form["evidence"]:
                if need["required"]:
                    add_attachment(session, actor=actor, draft_id=draft.draft_id, procedure=form["procedure"],
                                   subject=form["subject"], evidence=need["key"], filename="certificate.png",
                                   media_type="image/png", content=PNG)
        values = values_for(draft)
        content = content_to_sign(session, actor=actor, catalog=catalog, vault=vault, draft_id=draft.draft_id,
                                  values=values)
        kept = session.scalar(select(Draft).where(Draft.draft_id == draft.draft_id))
        assert kept is not None
        forms = list(kept.filled["forms"])
    signature = sign_with(signing_key.sign(content, padding.PKCS1v15(), hashes.SHA256()), signing_der)
    deadlines = {(p["id"], p["subject"]): p.get("deadline") for p in draft.filled["plan"]["procedures"]}
    return Applicant(atena, str(draft.draft_id), values, signature, forms, deadlines, auth_key, auth_der)


def log_in(http: httpx.Client, applicant: Applicant) -> None:
    """The card login over HTTP: the challenge, signed with the card's authentication key."""
    challenge = http.post("/api/v1/login/challenge")
    challenge.raise_for_status()
    nonce = challenge.json()["challenge"]
    answer = applicant.auth_key.sign(base64.b64decode(nonce), padding.PKCS1v15(), hashes.SHA256())
    login = http.post("/api/v1/login/card", json={
        "challenge": nonce, "certificate": base64.b64encode(applicant.auth_certificate_der).decode(),
        "signature": base64.b64encode(answer).decode()})
    if login.status_code != 200:
        raise RuntimeError(f"login of {applicant.atena} refused: {login.status_code} {login.text[:300]}")
    applicant.session_cookie = login.cookies["madoguchi_resident_session"]
    applicant.csrf_token = login.json()["csrf_token"]


# --- a served app --------------------------------------------------------------------------------------


_SERVE = """
import sys
from uvicorn.importer import import_from_string
from madoguchi.web.serving import serve
factory, port, processes, app_dir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
if app_dir:
    sys.path.insert(0, app_dir)
serve(import_from_string(factory), host="127.0.0.1", port=port, processes=processes, log_level="warning")
"""


class Served:
    """An ASGI app factory served on 127.0.0.1 (a context manager) as ``madoguchi serve`` serves: one
    process, or ``processes`` processes each binding the port (``--processes``)."""

    def __init__(self, factory: str, env: dict[str, str], *, app_dir: Path | None = None, log: Path,
                 processes: int = 1) -> None:
        self.factory, self.env, self.app_dir, self.log, self.processes = factory, env, app_dir, log, processes
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def __enter__(self) -> Served:
        command = [sys.executable, "-c", _SERVE, self.factory, str(self.port), str(self.processes),
                   str(self.app_dir or "")]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, env={**os.environ, **self.env}, stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.factory} exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.factory} did not answer in 120 s: {self.log.read_text()[-2000:]}")

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- CPU meters ----------------------------------------------------------------------------------------


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a live process has used, its threads included; 0 if it has gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """CPU seconds a live process and its live children have used (the supervisor and its serving processes)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return process_cpu(pid) + sum(process_cpu(int(child)) for child in children)


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, every core added."""
    parts = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + parts[4]
    total = sum(parts[:8])
    tick = os.sysconf("SC_CLK_TCK")
    return (total - idle) / tick, total / tick


def backend_pids(database: str | None) -> list[int]:
    """The PostgreSQL server processes serving connections to ``database`` (none for SQLite)."""
    if database is None:
        return []
    admin = make_engine(POSTGRES_ADMIN_URL)
    try:
        with admin.connect() as connection:
            return [int(pid) for pid in connection.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = :name"), {"name": database}).scalars()]
    finally:
        admin.dispose()


@dataclass
class CpuMeter:
    """CPU used during a stretch: by the server process, the database's backends, this process, the machine."""

    server_pid: int
    database: str | None
    _server: float = 0.0
    _backends: dict[int, float] | None = None
    _own: float = 0.0
    _machine: tuple[float, float] = (0.0, 0.0)

    def start(self) -> None:
        self._server = tree_cpu(self.server_pid)
        self._backends = {pid: process_cpu(pid) for pid in backend_pids(self.database)}
        self._own = time.process_time()
        self._machine = machine_cpu()

    def stop(self) -> dict[str, float]:
        own = time.process_time() - self._own
        busy, total = machine_cpu()
        server = tree_cpu(self.server_pid) - self._server
        before = self._backends or {}
        backends = sum(max(0.0, process_cpu(pid) - before.get(pid, 0.0)) for pid in backend_pids(self.database))
        return {"server": server, "database": backends, "client": own, "machine_busy": busy - self._machine[0],
                "machine_total": total - self._machine[1]}


def percentiles(values: Iterable[float]) -> tuple[float, float, float]:
    """p50, p95, p99 (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return (0.0, 0.0, 0.0)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered))) - 1))]

    return rank(50), rank(95), rank(99)


def born_two_days_ago() -> date:
    today: date = clock.today()
    return today - timedelta(days=2)

