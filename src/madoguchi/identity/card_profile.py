"""What the card's certificates carry: their two kinds and the holder's 基本4情報.

The signing certificate (署名用電子証明書) names its holder by the 4 basic
items — 氏名, 生年月日, 性別, 住所 — written in the subject alternative name as
``OtherName`` entries, one per item, each a DER UTF8String. The user
authentication certificate (利用者証明用電子証明書) carries no personal data:
only its serial identifies it. The kind of a certificate is told by its key
usage, as JPKI separates them: a signing key is for non-repudiation
(``contentCommitment``), an authentication key for ``digitalSignature`` only.

The items' OIDs sit under madoguchi's own arc, a UUID-based OID (ITU-T X.667,
``2.25.<uuid>``), which needs no registration; a real JPKI certificate uses
J-LIS's own OIDs, which a city configures instead (see docs/identity.md).
No item is a My Number, and no certificate carries one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cryptography import x509

ARC = "2.25.76231588478919911363295089784141491625"
"""madoguchi's private OID arc: the UUID 3959ab7e-4d7b-4cac-9a9c-c2111dc5ada9 as an X.667 integer."""


class CertificateKind(StrEnum):
    SIGNING = "signing"
    """署名用電子証明書: signs documents; names the holder by the 4 basic items."""
    AUTHENTICATION = "authentication"
    """利用者証明用電子証明書: proves it is the holder logging in; no personal data."""


@dataclass(frozen=True)
class BasicItems:
    """基本4情報 as the signing certificate writes them (the resident register's text).

    ``birth_date`` is ``YYYY-MM-DD``, or the register's note when the date is
    unknown (不詳); ``sex`` is the ISO 5218 code the hub uses (1, 2, 9, 0).
    """

    name: str
    birth_date: str
    sex: str
    address: str

    @property
    def born_on(self) -> date | None:
        """The birth date; None when the register does not know it (the item is then its note)."""
        try:
            return date.fromisoformat(self.birth_date)
        except ValueError:
            return None


ITEM_OIDS: dict[str, x509.ObjectIdentifier] = {
    "name": x509.ObjectIdentifier(f"{ARC}.1.1"),
    "birth_date": x509.ObjectIdentifier(f"{ARC}.1.2"),
    "sex": x509.ObjectIdentifier(f"{ARC}.1.3"),
    "address": x509.ObjectIdentifier(f"{ARC}.1.4"),
}
"""The OtherName type id of each basic item."""

_UTF8_STRING = 0x0C


class ProfileError(ValueError):
    """A certificate's basic items cannot be read (missing, repeated or not UTF8String)."""


def basic_items_extension(items: BasicItems) -> x509.SubjectAlternativeName:
    """The subject alternative name of a signing certificate: one OtherName per item."""
    return x509.SubjectAlternativeName([
        x509.OtherName(oid, _utf8_string(getattr(items, field))) for field, oid in ITEM_OIDS.items()
    ])


def read_basic_items(certificate: x509.Certificate) -> BasicItems:
    """The 4 basic items of a signing certificate; raises ProfileError."""
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound as exc:
        raise ProfileError("the certificate has no subject alternative name") from exc
    values: dict[str, str] = {}
    for other in names.get_values_for_type(x509.OtherName):
        field = next((f for f, oid in ITEM_OIDS.items() if oid == other.type_id), None)
        if field is None:
            continue
        if field in values:
            raise ProfileError(f"the basic item {field} appears twice")
        values[field] = _read_utf8_string(other.value)
    missing = sorted(ITEM_OIDS.keys() - values.keys())
    if missing:
        raise ProfileError(f"the certificate lacks the basic items: {', '.join(missing)}")
    return BasicItems(**values)


def kind_of(certificate: x509.Certificate) -> CertificateKind:
    """The certificate's kind by its key usage; raises ProfileError when it is neither."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound as exc:
        raise ProfileError("the certificate has no key usage") from exc
    if usage.content_commitment:
        return CertificateKind.SIGNING
    if usage.digital_signature:
        return CertificateKind.AUTHENTICATION
    raise ProfileError("the certificate's key usage allows neither signing nor authentication")


def key_usage(kind: CertificateKind) -> x509.KeyUsage:
    """The key usage a certificate of that kind is issued with."""
    signing = kind is CertificateKind.SIGNING
    return x509.KeyUsage(
        digital_signature=not signing, content_commitment=signing, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False)


def _utf8_string(text: str) -> bytes:
    """A DER UTF8String: tag, definite length (short or long form), the UTF-8 bytes."""
    raw = text.encode("utf-8")
    return bytes([_UTF8_STRING]) + _der_length(len(raw)) + raw


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


def _read_utf8_string(der: bytes) -> str:
    if len(der) < 2 or der[0] != _UTF8_STRING:
        raise ProfileError("a basic item is not a UTF8String")
    first = der[1]
    if first < 0x80:
        length, start = first, 2
    else:
        count = first & 0x7F
        octets = der[2:2 + count]
        if count == 0 or len(octets) != count or octets[0] == 0:
            raise ProfileError("a basic item has a malformed length")
        length, start = int.from_bytes(octets, "big"), 2 + count
        if length < 0x80:
            raise ProfileError("a basic item has a malformed length")
    if len(der) != start + length:
        raise ProfileError("a basic item's length does not match its content")
    try:
        return der[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProfileError("a basic item is not valid UTF-8") from exc
