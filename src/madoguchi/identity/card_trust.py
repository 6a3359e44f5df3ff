"""Which certificate authorities the city trusts for cards, and their revocation lists.

For the real JPKI the city configures J-LIS's CA certificates and the CRLs it
fetches as a 署名検証者 / 利用者証明検証者 (``MADOGUCHI_CARD_TRUST_DIR``);
the demo trusts its own card authority. A trust is a plain value read from a
few files; ``configured_trust`` keeps it while those files are unchanged, so
a request does not parse certificates and check CRL signatures again, and a
CRL the city has just replaced counts from the next verification on.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from madoguchi import clock
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

    @cached_property
    def subject(self) -> x509.Name:
        """The CA's name, parsed once (``certificate.subject`` parses it at every use)."""
        return self.certificate.subject

    @cached_property
    def crl_is_its_own(self) -> bool:
        """Whether the CA issued its CRL: checked once, as both are immutable values."""
        return self.crl is not None and signed_by(self.crl, self.certificate)


@dataclass(frozen=True)
class CardTrust:
    authorities: tuple[TrustedAuthority, ...]

    def issuer_of(self, certificate: x509.Certificate) -> TrustedAuthority | None:
        """The trusted authority that signed the certificate directly, if any."""
        for authority in self.authorities:
            if authority.subject != certificate.issuer:
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
    """The city's configured trust, or — none configured — the demo card authority's (made if absent).

    Read again only when a file of its folder has changed or a CRL has reached its next update (when
    the demo authority re-signs its own); until then, the trust read before.
    """
    trust_dir = card.trust_dir
    if trust_dir is not None:
        return _kept_or_read(trust_dir, lambda: load_card_trust(trust_dir))
    folder = authority_folder(settings)
    return _kept_or_read(folder, lambda: trust_of(CardAuthority.open(folder)))


FolderState = tuple[tuple[str, int, int, int], ...]
"""Each file of a folder: its name, inode, size and modification time (ns)."""

_kept: dict[Path, tuple[FolderState, CardTrust]] = {}


def _kept_or_read(folder: Path, read: Callable[[], CardTrust]) -> CardTrust:
    """The trust kept for the folder if its files are as they were when it was read; else ``read()``.

    The folder is looked at before reading, so a file replaced while it is read makes the next call
    read again. A file is replaced either by a rename (a new inode) or by writing over it (a new
    modification time, and mostly a new size).
    """
    state = _state(folder)
    kept = _kept.get(folder)
    if kept is not None and kept[0] == state and not _crl_due(kept[1], clock.now()):
        return kept[1]
    trust = read()
    _kept[folder] = (state, trust)
    return trust


def _state(folder: Path) -> FolderState:
    try:
        with os.scandir(folder) as entries:
            stats = [(entry.name, entry.stat()) for entry in entries]
    except (FileNotFoundError, NotADirectoryError):
        return ()
    return tuple(sorted((name, stat.st_ino, stat.st_size, stat.st_mtime_ns) for name, stat in stats))


def _crl_due(trust: CardTrust, at: datetime) -> bool:
    """Whether a CRL of the trust has reached its next update (then it is read again, perhaps renewed)."""
    return any(a.crl is not None and (a.crl.next_update_utc is None or at >= a.crl.next_update_utc)
               for a in trust.authorities)


def _load(path: Path, pem: Callable[[bytes], T], der: Callable[[bytes], T]) -> T:
    data = path.read_bytes()
    return pem(data) if data.lstrip().startswith(b"-----BEGIN") else der(data)
