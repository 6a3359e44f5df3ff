"""The city's trusted-issuers.yaml: the shipped one works with the demo issuers; bad ones say what to fix."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from madoguchi import clock
from madoguchi.credentials import jose
from madoguchi.credentials.demo_issuers import (
    DEMO_ISSUERS,
    ensure_demo_issuers,
    load_demo_issuer,
    save_demo_issuer,
    status_transport,
)
from madoguchi.credentials.errors import TrustRegistryInvalid
from madoguchi.credentials.issuer import issue_credential
from madoguchi.credentials.status_cache import StatusListCache
from madoguchi.credentials.trust_file import FILE_NAME, load_trust_registry
from madoguchi.credentials.verify import verify_presentation
from madoguchi.credentials.wallet import Wallet
from madoguchi.registry.purpose import shipped_catalog

from .factories import AUDIENCE, CLAIMS, NONCE, NOW, new_issuer, trusted, write_trust_file

SHIPPED = shipped_catalog() / FILE_NAME


def cache() -> StatusListCache:
    return StatusListCache(httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(404))))


def test_the_shipped_file_names_the_demo_issuers() -> None:
    document = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    shipped = {i["id"]: (i["iss"], tuple(i["kinds"]), i["name"]["ja"]) for i in document["issuers"]}
    assert shipped == {d.id: (d.iss, d.kinds, d.name.ja) for d in DEMO_ISSUERS.values()}


def test_the_shipped_file_trusts_the_demo_issuers_once_their_keys_exist(tmp_path: Path) -> None:
    clock.freeze(NOW)
    (tmp_path / "catalog").mkdir()
    shutil.copy(SHIPPED, tmp_path / "catalog" / FILE_NAME)
    with pytest.raises(TrustRegistryInvalid, match="demo-root.pem"):
        load_trust_registry(tmp_path / "catalog" / FILE_NAME, status_lists=cache())
    issuers = tmp_path / ".madoguchi" / "issuers"
    ensure_demo_issuers(issuers)
    client = httpx.Client(mounts={d.iss: status_transport(issuers) for d in DEMO_ISSUERS.values()})
    trust = load_trust_registry(tmp_path / "catalog" / FILE_NAME, status_lists=StatusListCache(client))
    wallet = Wallet()
    for kind in CLAIMS:
        issuer_id = next(d.id for d in DEMO_ISSUERS.values() if kind in d.kinds)
        issuer = load_demo_issuer(issuer_id, issuers)
        wallet.store(issue_credential(issuer, kind=kind, claims=CLAIMS[kind], holder_jwk=wallet.holder_jwk,
                                      valid_from=NOW, valid_until=None))
        save_demo_issuer(issuer_id, issuer, issuers)
        presentation = wallet.present(kind, disclose=list(CLAIMS[kind])[:2], nonce=NONCE, audience=AUDIENCE)
        verified = verify_presentation(presentation, kind=kind, nonce=NONCE, audience=AUDIENCE,
                                       trust=trust, at=NOW)
        assert verified.issuer.id == issuer_id
        assert list(verified.claims) == list(CLAIMS[kind])[:2]


def test_demo_issuer_keys_are_private_and_kept(tmp_path: Path) -> None:
    clock.freeze(NOW)
    first = load_demo_issuer("kitami-mirai-hospital", tmp_path)
    for private in ("kitami-mirai-hospital.json", "demo-root.key.pem"):
        assert (tmp_path / private).stat().st_mode & 0o777 == 0o600
    again = load_demo_issuer("kitami-mirai-hospital", tmp_path)
    assert (again.kid, again.x5c) == (first.kid, first.x5c)


def key_source_cases() -> list[tuple[dict[str, Any], str]]:
    school = new_issuer("school")
    jwks = school.public_jwks()
    private = {"keys": [school.key.as_dict(private=True)]}
    return [
        (trusted("school", school, ["report-card"], jwks=jwks), "no certificate kind report-card"),
        (trusted("school", school, ["enrollment-certificate"]), "issuers/0: give exactly one of"),
        (trusted("school", school, ["enrollment-certificate"], jwks=jwks, jwks_file="x.json"),
         "issuers/0: give exactly one of"),
        (trusted("school", school, ["enrollment-certificate"], x5c_roots=["nowhere"]), "no root nowhere"),
        (trusted("school", school, ["enrollment-certificate"], jwks_file="missing.json"), "missing.json"),
        (trusted("school", school, ["enrollment-certificate"], jwks=private), "not a public P-256 JWK"),
        ({**trusted("school", school, ["enrollment-certificate"], jwks=jwks), "iss": "http://school"},
         "does not match"),
    ]


@pytest.mark.parametrize(("entry", "message"), key_source_cases())
def test_a_bad_issuer_entry_is_refused(tmp_path: Path, entry: dict[str, Any], message: str) -> None:
    path = write_trust_file(tmp_path, {"issuers": [entry]})
    with pytest.raises(TrustRegistryInvalid, match=message):
        load_trust_registry(path, status_lists=cache())


def test_two_issuers_with_one_iss_are_refused(tmp_path: Path) -> None:
    school = new_issuer("school")
    entries = [trusted(name, school, ["enrollment-certificate"], jwks=school.public_jwks())
               for name in ("school", "annex")]
    with pytest.raises(TrustRegistryInvalid, match="same iss"):
        load_trust_registry(write_trust_file(tmp_path, {"issuers": entries}), status_lists=cache())


def test_a_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text("issuers: [unclosed", encoding="utf-8")
    with pytest.raises(TrustRegistryInvalid, match="cannot be read"):
        load_trust_registry(tmp_path / FILE_NAME, status_lists=cache())


def test_keys_without_a_kid_are_found_by_thumbprint(tmp_path: Path) -> None:
    school = new_issuer("school")
    jwks = {"keys": [school.key.as_dict(private=False)]}
    path = write_trust_file(tmp_path, {"issuers": [trusted("school", school, ["enrollment-certificate"],
                                                           jwks=jwks)]})
    trusted_school = load_trust_registry(path, status_lists=cache()).issuer(school.iss)
    assert set(trusted_school.keys) == {school.kid}
    assert jose.public_key(school.key.as_dict(private=False)).thumbprint() == school.kid
