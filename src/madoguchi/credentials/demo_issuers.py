"""The demo's issuers — fictional, on reserved ``.example`` domains — and their keys.

北見みらい病院 (birth and death certificates) is trusted by an X.509 chain to
a demo root, the way a hospital's HPKI certificate would be; the school and
the employer by their public keys. Keys and status lists are made on first
use under ``<keys_file folder>/issuers/`` (private files mode 0600); the
shipped ``catalog/trusted-issuers.yaml`` points at the public halves there.
Their status lists are served in process (``status_transport``): the
``.example`` domains never resolve.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from joserfc.jwk import ECKey

from madoguchi import clock
from madoguchi.catalog.models import Text
from madoguchi.credentials import jose
from madoguchi.credentials.errors import DemoIssuerUnknown
from madoguchi.credentials.files import write_private
from madoguchi.credentials.issuer import Issuer, publish_status_list
from madoguchi.credentials.status import StatusList
from madoguchi.credentials.status_cache import MEDIA_TYPE
from madoguchi.settings import get_settings

ROOT = "demo-root"
CERTIFICATE_LIFETIME = timedelta(days=3 * 365)


@dataclass(frozen=True)
class DemoIssuer:
    id: str
    iss: str
    name: Text
    kinds: tuple[str, ...]
    by_certificate: bool
    """Trusted through an X.509 chain to the demo root rather than by its public key."""

    @property
    def status_uri(self) -> str:
        return f"{self.iss}/status-lists/1"


DEMO_ISSUERS = {i.id: i for i in (
    DemoIssuer("kitami-mirai-hospital", "https://kitami-mirai-hospital.example",
               Text(ja="北見みらい病院", en="Kitami Mirai Hospital (fictional)"),
               ("birth-certificate", "death-certificate"), by_certificate=True),
    DemoIssuer("mirai-elementary", "https://mirai-elementary.example",
               Text(ja="北見市立みらい小学校", en="Mirai Elementary School (fictional)"),
               ("enrollment-certificate",), by_certificate=False),
    DemoIssuer("okhotsk-mirai-foods", "https://okhotsk-mirai-foods.example",
               Text(ja="株式会社オホーツクみらい食品", en="Okhotsk Mirai Foods Co. (fictional)"),
               ("employment-certificate",), by_certificate=False),
)}


def issuer_directory() -> Path:
    return get_settings().keys_file.parent / "issuers"


def load_demo_issuer(issuer_id: str, directory: Path) -> Issuer:
    """The demo issuer with its key and status list, made on first use. Raises DemoIssuerUnknown."""
    demo = DEMO_ISSUERS.get(issuer_id)
    if demo is None:
        raise DemoIssuerUnknown(f"no demo issuer {issuer_id!r}; known: {', '.join(DEMO_ISSUERS)}")
    path = directory / f"{issuer_id}.json"
    if not path.exists():
        save_demo_issuer(issuer_id, _new_issuer(demo, directory), directory)
    document = json.loads(path.read_text(encoding="utf-8"))
    status = document["status_list"]
    return Issuer(demo.iss, ECKey.import_key(document["key"]), demo.status_uri,
                  StatusList.from_claim(status), document["issued"], tuple(document["x5c"]))


def save_demo_issuer(issuer_id: str, issuer: Issuer, directory: Path) -> None:
    """Keep the issuer's key and status list (after issuing or revoking) and its public JWKS."""
    write_private(directory / f"{issuer_id}.json", json.dumps({
        "key": issuer.key.as_dict(private=True), "x5c": list(issuer.x5c), "issued": issuer.issued,
        "status_list": issuer.statuses.to_claim()}, indent=2))
    (directory / f"{issuer_id}.jwks.json").write_text(json.dumps(issuer.public_jwks(), indent=2) + "\n",
                                                    encoding="utf-8")


def ensure_demo_issuers(directory: Path) -> None:
    """Make every demo issuer (and the demo root) so the trust file's key files exist."""
    for issuer_id in DEMO_ISSUERS:
        load_demo_issuer(issuer_id, directory)


def status_transport(directory: Path) -> httpx.MockTransport:
    """Serves each demo issuer's current status list at its ``status_uri``."""
    by_uri = {d.status_uri: d.id for d in DEMO_ISSUERS.values()}

    def answer(request: httpx.Request) -> httpx.Response:
        issuer_id = by_uri.get(str(request.url))
        if issuer_id is None:
            return httpx.Response(404)
        token = publish_status_list(load_demo_issuer(issuer_id, directory))
        return httpx.Response(200, text=token, headers={"Content-Type": MEDIA_TYPE})

    return httpx.MockTransport(answer)


def _new_issuer(demo: DemoIssuer, directory: Path) -> Issuer:
    key = jose.generate_key()
    chain: tuple[str, ...] = ()
    if demo.by_certificate:
        root_key, root = _demo_root(directory)
        chain = (der_base64(certify(root_key, root, key, iss=demo.iss, name=demo.name.en)),)
    return Issuer(demo.iss, key, demo.status_uri, x5c=chain)


def _demo_root(directory: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key_path, cert_path = directory / f"{ROOT}.key.pem", directory / f"{ROOT}.pem"
    if key_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return key, x509.load_pem_x509_certificate(cert_path.read_bytes())
    key, root = make_root("madoguchi demo issuer root (fictional)")
    write_private(key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()).decode("ascii"))
    cert_path.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return key, root


def make_root(name: str, *, not_before: datetime | None = None,
              lifetime: timedelta = CERTIFICATE_LIFETIME) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A self-signed P-256 root that may certify issuers (not other CAs)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = not_before or clock.now() - timedelta(days=1)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + lifetime)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(cert_sign=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def certify(root_key: ec.EllipticCurvePrivateKey, root: x509.Certificate, key: ECKey, *, iss: str,
            name: str, not_before: datetime | None = None,
            lifetime: timedelta = CERTIFICATE_LIFETIME) -> x509.Certificate:
    """The issuer's certificate: its P-256 key, named by a URI SAN equal to its ``iss``."""
    public = key.public_key
    assert isinstance(public, ec.EllipticCurvePublicKey)
    start = not_before or clock.now() - timedelta(days=1)
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(root.subject).public_key(public).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + lifetime)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(cert_sign=False), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(iss)]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                           critical=False)
            .sign(root_key, hashes.SHA256()))


def der_base64(cert: x509.Certificate) -> str:
    """A certificate as ``x5c`` carries it (standard base64 of DER, not base64url)."""
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=not cert_sign, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=cert_sign,
                         crl_sign=cert_sign, encipher_only=False, decipher_only=False)

