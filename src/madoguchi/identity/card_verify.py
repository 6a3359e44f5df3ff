"""Checking a card's signature and a card login, with nothing but ``cryptography``.

A card signs as JPKI does: RSA PKCS#1 v1.5 over SHA-256. A certificate
passes when, at the moment asked about,

* it is an end-entity RSA certificate signed directly by a trusted CA
  (``verify_directly_issued_by``), and that CA's certificate is valid;
* it is within its own validity period;
* its key usage is that of the use: signing (署名用) for a bundle,
  user authentication (利用者証明用) for a login;
* it is not on the CA's CRL — and that CRL is signed by the CA and not past
  its next update: a CRL that cannot be relied on refuses, never passes.

The checks run in that order, so each bad input gets its own error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from sqlalchemy.orm import Session

from madoguchi.identity.card_challenge import use_challenge
from madoguchi.identity.card_profile import BasicItems, CertificateKind, kind_of, read_basic_items
from madoguchi.identity.card_trust import CardTrust, TrustedAuthority
from madoguchi.identity.errors import (
    CardCertificateExpired,
    CardCertificateInvalid,
    CardCertificateNotYetValid,
    CardCertificateRevoked,
    CardCertificateUntrusted,
    CardCertificateWrongKind,
    CardRevocationUnavailable,
    CardSignatureInvalid,
)

_USE = {CertificateKind.SIGNING: "signing (署名用電子証明書)",
        CertificateKind.AUTHENTICATION: "user authentication (利用者証明用電子証明書)"}


@dataclass(frozen=True)
class CardHolder:
    """Who a verified certificate names."""

    kind: CertificateKind
    serial: str
    """The certificate's serial number, lowercase hex."""
    issuer: str
    """The issuing CA's name (RFC 4514)."""
    basic_items: BasicItems | None
    """The 4 basic items of a signing certificate; None for a user-authentication one."""
    not_after: datetime

    @property
    def birth_date(self) -> date | None:
        return self.basic_items.born_on if self.basic_items is not None else None


def verify_certificate(certificate_der: bytes, *, kind: CertificateKind, trust: CardTrust,
                       at: datetime) -> CardHolder:
    """The holder of a certificate that passes every check for the use ``kind`` at ``at``.

    Raises CardCertificateInvalid, CardCertificateUntrusted, CardCertificateExpired,
    CardCertificateNotYetValid, CardCertificateWrongKind, CardRevocationUnavailable,
    CardCertificateRevoked.
    """
    return _checked(certificate_der, kind, trust, at)[1]


def verify_signature(data: bytes, signature: bytes, certificate_der: bytes, *, trust: CardTrust,
                     at: datetime) -> CardHolder:
    """The holder whose signing certificate verifies ``signature`` over ``data`` at ``at``.

    Raises what ``verify_certificate`` raises, and CardSignatureInvalid.
    """
    key, holder = _checked(certificate_der, CertificateKind.SIGNING, trust, at)
    _verify(key, signature, data)
    return holder


def verify_challenge(session: Session, *, challenge: bytes, signature: bytes, certificate_der: bytes,
                     trust: CardTrust, at: datetime) -> CardHolder:
    """The holder of the user-authentication certificate that answered a login challenge.

    The challenge is used up here (in the caller's transaction). Raises
    CardChallengeInvalid, what ``verify_certificate`` raises, and CardSignatureInvalid.
    """
    use_challenge(session, nonce=challenge, at=at)
    key, holder = _checked(certificate_der, CertificateKind.AUTHENTICATION, trust, at)
    _verify(key, signature, challenge)
    return holder


def _checked(certificate_der: bytes, kind: CertificateKind, trust: CardTrust,
             at: datetime) -> tuple[rsa.RSAPublicKey, CardHolder]:
    if at.tzinfo is None:
        raise ValueError("verify at an aware moment (madoguchi.clock.now())")
    certificate, key = _parse(certificate_der)
    authority = trust.issuer_of(certificate)
    if authority is None:
        raise CardCertificateUntrusted("the certificate was not issued by a certificate authority the city trusts")
    if at < certificate.not_valid_before_utc:
        raise CardCertificateNotYetValid("the certificate is not valid yet at that time")
    if at > certificate.not_valid_after_utc:
        raise CardCertificateExpired("the certificate has expired; the card's certificate must be renewed")
    ca = authority.certificate
    if not ca.not_valid_before_utc <= at <= ca.not_valid_after_utc:
        raise CardCertificateUntrusted("the issuing authority's certificate is not valid at that time")
    try:
        actual = kind_of(certificate)
        basic_items = read_basic_items(certificate) if actual is CertificateKind.SIGNING else None
    except ValueError as exc:  # a ProfileError, or an extension cryptography cannot parse
        raise CardCertificateInvalid(f"the certificate cannot be used: {exc}") from exc
    if actual is not kind:
        raise CardCertificateWrongKind(f"a {_USE[actual]} certificate was given; this needs the card's {_USE[kind]} one")
    _check_revocation(certificate, authority, at)
    return key, CardHolder(kind=actual, serial=f"{certificate.serial_number:x}",
                           issuer=certificate.issuer.rfc4514_string(), basic_items=basic_items,
                           not_after=certificate.not_valid_after_utc)


def _parse(certificate_der: bytes) -> tuple[x509.Certificate, rsa.RSAPublicKey]:
    try:
        certificate = x509.load_der_x509_certificate(certificate_der)
        key = certificate.public_key()
        try:
            is_ca = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            is_ca = False
    except ValueError as exc:
        raise CardCertificateInvalid("the certificate is not a readable X.509 certificate (DER)") from exc
    if is_ca:
        raise CardCertificateInvalid("a certificate authority's certificate is not a card's")
    if not isinstance(key, rsa.RSAPublicKey):
        raise CardCertificateInvalid("the certificate's key is not an RSA key, as a card's is")
    return certificate, key


def _check_revocation(certificate: x509.Certificate, authority: TrustedAuthority, at: datetime) -> None:
    crl = authority.crl
    if crl is None:
        raise CardRevocationUnavailable("no revocation list is configured for the certificate's authority")
    if not authority.crl_is_its_own:
        raise CardRevocationUnavailable("the revocation list is not signed by the certificate's authority")
    next_update = crl.next_update_utc
    if next_update is None or at >= next_update:
        raise CardRevocationUnavailable("the revocation list is out of date; the city must fetch a fresh one")
    if crl.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None:
        raise CardCertificateRevoked("the certificate has been revoked")


def _verify(key: rsa.RSAPublicKey, signature: bytes, data: bytes) -> None:
    try:
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise CardSignatureInvalid("the signature does not verify with the certificate over this data") from exc
