"""Which certificate authorities the city trusts for cards, and their revocation lists.

For the real JPKI the city configures J-LIS's CA certificates and the CRLs it
fetches as a 署名検証者 / 利用者証明検証者 (``MADOGUCHI_CARD_TRUST_DIR``);
the demo trusts its own card authority. A trust is a plain value, a few
small files read: load it for each verification, and a CRL the city has just
refreshed counts at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from madoguchi.identity.card_authority import CardAuthority, authority_folder
from madoguchi.identity.card_settings import CardSettings
from madoguchi.settings import Settings

CERTIFICATE_SUFFIXES = (".crt", ".cer")
CRL_SUFFIX = ".crl"

T = TypeVar("T")


class CardTrustInvalid(Exception):
    """The trust configuration cannot be used (an unreadable file, a CRL of no configured CA)."""


@dataclass(frozen=True)
class TrustedAuthority:
    certificate: x509.Certificate
    crl: x509.CertificateRevocationList | None
    """Its latest CRL as configured; None when none is (then no certificate of it passes)."""


@dataclass(frozen=True)
class CardTrust:
    authorities: tuple[TrustedAuthority, ...]

    def issuer_of(self, certificate: x509.Certificate) -> TrustedAuthority | None:
        """The trusted authority that signed the certificate directly, if any."""
        for authority in self.authorities:
            if authority.certificate.subject != certificate.issuer:
                continue
            try:
                certificate.verify_directly_issued_by(authority.certificate)
            except (ValueError, TypeError, InvalidSignature):
                continue
            return authority
        return None


def trust_of(authority: CardAuthority) -> CardTrust:
    """The demo's trust: its card authority and that authority's current CRL."""
    return CardTrust((TrustedAuthority(authority.certificate, authority.crl()),))


def load_card_trust(folder: Path) -> CardTrust:
    """The CA certificates (PEM or DER) and CRLs of a folder; the latest CRL of each CA counts.

    A CRL belongs to the CA whose key signed it (names alone may repeat). A
    CRL no configured CA signed makes the whole configuration unusable: a
    damaged or foreign file is an error to fix, never silently ignored.
    Raises CardTrustInvalid.
    """
    if not folder.is_dir():
        raise CardTrustInvalid(f"{folder} is not a folder of CA certificates and CRLs")
    certificates: list[x509.Certificate] = []
    crls: list[tuple[str, x509.CertificateRevocationList]] = []
    for path in sorted(folder.iterdir()):
        try:
            if path.suffix in CERTIFICATE_SUFFIXES:
                certificates.append(_load(path, x509.load_pem_x509_certificate, x509.load_der_x509_certificate))
            elif path.suffix == CRL_SUFFIX:
                crls.append((path.name, _load(path, x509.load_pem_x509_crl, x509.load_der_x509_crl)))
        except (OSError, ValueError) as exc:
            raise CardTrustInvalid(f"{path.name}: not a readable certificate or CRL ({exc})") from exc
    if not certificates:
        raise CardTrustInvalid(f"{folder} holds no CA certificate (*.crt, *.cer)")
    latest: dict[int, x509.CertificateRevocationList] = {}
    for name, crl in crls:
        signer = next((i for i, ca in enumerate(certificates) if signed_by(crl, ca)), None)
        if signer is None:
            raise CardTrustInvalid(f"{name}: a CRL that no configured CA signed")
        kept = latest.get(signer)
        if kept is None or crl.last_update_utc > kept.last_update_utc:
            latest[signer] = crl
    return CardTrust(tuple(TrustedAuthority(ca, latest.get(i)) for i, ca in enumerate(certificates)))


def signed_by(crl: x509.CertificateRevocationList, ca: x509.Certificate) -> bool:
    """Whether the CA issued the CRL: its name, and a signature its key verifies."""
    key = ca.public_key()
    return crl.issuer == ca.subject and isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey) \
        and crl.is_signature_valid(key)


def configured_trust(settings: Settings, card: CardSettings) -> CardTrust:
    """The city's configured trust, or — none configured — the demo card authority's (made if absent)."""
    if card.trust_dir is not None:
        return load_card_trust(card.trust_dir)
    return trust_of(CardAuthority.open(authority_folder(settings)))


def _load(path: Path, pem: Callable[[bytes], T], der: Callable[[bytes], T]) -> T:
    data = path.read_bytes()
    return pem(data) if data.lstrip().startswith(b"-----BEGIN") else der(data)
