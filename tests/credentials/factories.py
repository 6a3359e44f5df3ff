"""A small world of issuers, a city trust registry read from YAML, and a wallet.

The hospital is trusted by an X.509 chain to a test root, the school by a JWKS
file, the employer by keys inline (and keeps a 2-bit status list, so it can
suspend); a stranger signs but is in no registry.
Status lists are served live from the issuers' state by an in-process
``httpx.MockTransport`` (``StatusServer``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc.jwk import ECKey

from madoguchi import clock
from madoguchi.credentials import jose, sdjwt
from madoguchi.credentials.demo_issuers import certify, der_base64, make_root
from madoguchi.credentials.issuer import Issuer, issue_credential, publish_status_list
from madoguchi.credentials.kinds import kinds
from madoguchi.credentials.presentation import create_presentation
from madoguchi.credentials.status import StatusList
from madoguchi.credentials.status_cache import StatusListCache
from madoguchi.credentials.trust import TrustRegistry
from madoguchi.credentials.trust_file import load_trust_registry
from madoguchi.credentials.verify import VerifiedCredential, verify_presentation

NOW = datetime(2025, 4, 3, 10, 0, tzinfo=clock.TOKYO)
AUDIENCE = "https://kitami-city.example/madoguchi"
NONCE = "nonce-7f3a"

CLAIMS: dict[str, dict[str, Any]] = {
    "birth-certificate": {
        "child_sex": "2", "birth_date": "2025-04-01", "birth_time": "09:41",
        "birth_place": "北海道北見市みらい町1丁目2番3号", "place_kind": "hospital",
        "facility_name": "北見みらい病院", "weight_g": 3120, "height_cm": 49.5,
        "gestational_weeks": 39, "babies": 1, "mother_name": "北見 花子",
        "attendant_name": "大空 一郎", "attendant_kind": "doctor"},
    "death-certificate": {
        "deceased_name": "北見 太郎", "deceased_birth_date": "1940-02-11", "death_date": "2025-04-02",
        "death_time": "23:05", "death_place": "北海道北見市みらい町1丁目2番3号",
        "place_kind": "hospital", "cause_category": "natural", "infectious_disease": False,
        "certifier_name": "大空 一郎"},
    "enrollment-certificate": {
        "pupil_name": "北見 さくら", "pupil_birth_date": "2016-06-20",
        "school_name": "北見市立みらい小学校", "grade": "e3", "enrolled_since": "2023-04-06"},
    "employment-certificate": {
        "employee_name": "北見 花子", "employee_birth_date": "1993-08-15",
        "employer_name": "株式会社オホーツクみらい食品", "employed_since": "2019-04-01",
        "weekly_days": 5, "weekly_hours": 37.5},
}
ISSUER_OF = {"birth-certificate": "hospital", "death-certificate": "hospital",
             "enrollment-certificate": "school", "employment-certificate": "employer"}


def new_issuer(name: str, **kwargs: Any) -> Issuer:
    iss = f"https://{name}.test.example"
    return Issuer(iss, jose.generate_key(), f"{iss}/status/1", **kwargs)


@dataclass
class StatusServer:
    """Answers every request from the issuers' current status lists.

    A URI in ``down`` answers 503; one in ``replies`` answers that text instead.
    """

    issuers: dict[str, Issuer]
    down: set[str] = field(default_factory=set)
    replies: dict[str, str] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)

    def client(self) -> httpx.Client:
        by_uri = {i.status_uri: i for i in self.issuers.values()}

        def answer(request: httpx.Request) -> httpx.Response:
            uri = str(request.url)
            self.fetched.append(uri)
            if uri in self.down or uri not in by_uri:
                return httpx.Response(503 if uri in self.down else 404)
            return httpx.Response(200, text=self.replies.get(uri) or publish_status_list(by_uri[uri]))

        return httpx.Client(transport=httpx.MockTransport(answer))


@dataclass
class World:
    issuers: dict[str, Issuer]
    server: StatusServer
    trust: TrustRegistry
    root_key: ec.EllipticCurvePrivateKey
    root: x509.Certificate
    """The root the registry trusts the hospital's chain to."""
    holder: ECKey = field(default_factory=jose.generate_key)

    def issue(self, kind: str, *, by: str | None = None, claims: Mapping[str, Any] | None = None,
              valid_from: datetime = NOW - timedelta(days=1),
              valid_until: datetime | None = NOW + timedelta(days=90)) -> str:
        return issue_credential(self.issuers[by or ISSUER_OF[kind]], kind=kind,
                                claims={**CLAIMS[kind], **(claims or {})},
                                holder_jwk=self.holder.as_dict(private=False),
                                valid_from=valid_from, valid_until=valid_until)

    def present(self, credential: str, *, disclose: Iterable[str] | None = None, nonce: str = NONCE,
                audience: str = AUDIENCE, key: ECKey | None = None) -> str:
        names = [sdjwt.parse_disclosure(d).name for d in sdjwt.parse(credential).disclosures]
        return create_presentation(credential, holder_key=key or self.holder,
                                   disclose=names if disclose is None else disclose,
                                   nonce=nonce, audience=audience)

    def verify(self, presentation: str, kind: str, *, nonce: str = NONCE, audience: str = AUDIENCE,
               at: datetime | None = None) -> VerifiedCredential:
        return verify_presentation(presentation, kind=kind, nonce=nonce, audience=audience,
                                   trust=self.trust, at=at or clock.now())


def a_world(folder: Path, *, ttl: timedelta = timedelta(minutes=5),
            max_stale: timedelta = timedelta(hours=1)) -> World:
    """Issuers and a trust registry read from a ``trusted-issuers.yaml`` written in ``folder``."""
    root_key, root = make_root("test root", not_before=NOW - timedelta(days=30))
    hospital = new_issuer("hospital")
    hospital.x5c = (der_base64(certify(root_key, root, hospital.key, iss=hospital.iss, name="hospital",
                                       not_before=NOW - timedelta(days=30))),)
    issuers = {"hospital": hospital, "school": new_issuer("school"),
               "employer": new_issuer("employer", statuses=StatusList(1024, bits=2)),
               "stranger": new_issuer("stranger")}
    (folder / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    (folder / "school.jwks.json").write_text(json.dumps(issuers["school"].public_jwks()))
    write_trust_file(folder, {
        "roots": [{"id": "test-root", "certificate_file": "root.pem"}],
        "issuers": [
            trusted("hospital", hospital, ["birth-certificate", "death-certificate"], x5c_roots=["test-root"]),
            trusted("school", issuers["school"], ["enrollment-certificate"], jwks_file="school.jwks.json"),
            trusted("employer", issuers["employer"], ["employment-certificate"],
                    jwks=issuers["employer"].public_jwks()),
        ]})
    server = StatusServer(issuers)
    cache = StatusListCache(server.client(), ttl=ttl, max_stale=max_stale)
    trust = load_trust_registry(folder / "trusted-issuers.yaml", status_lists=cache)
    return World(issuers, server, trust, root_key, root)


def trusted(issuer_id: str, issuer: Issuer, kinds_: list[str], **keys: Any) -> dict[str, Any]:
    return {"id": issuer_id, "iss": issuer.iss, "name": {"ja": f"{issuer_id}（試験）", "en": issuer_id},
            "kinds": kinds_, **keys}


def write_trust_file(folder: Path, document: dict[str, Any]) -> Path:
    path = folder / "trusted-issuers.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def all_claim_names(kind: str) -> set[str]:
    return set(kinds[kind].claims.model_fields)
