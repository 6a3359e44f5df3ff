"""The demo city's card authority: a test CA in the JPKI style, with real keys and a real CRL.

In Japan the card's certificates are issued by J-LIS (地方公共団体情報システム
機構); a city only verifies them. The demo and the tests need cards nonetheless,
so this CA ("madoguchi demo JPKI CA", RSA-2048) is made once and kept in
``card-ca/`` beside the vault's key file: ``ca.key`` (its private key),
``ca.crt`` (its self-signed root certificate) and ``ca.crl`` (its current
revocation list), each mode 0600. The folder doubles as the demo's trust
configuration (``card_trust.load_card_trust``), which reads only the
certificate and the CRL.

A card certificate is valid for 5 years from issue (JPKI's signing
certificate ends on the 5th birthday after issue; the demo keeps it simple).
The CRL is re-signed daily with the same entries, as an authority publishes
a fresh one before the previous one's next update.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from madoguchi import clock
from madoguchi.identity.card_profile import (
    BasicItems,
    CertificateKind,
    basic_items_extension,
    key_usage,
)
from madoguchi.identity.files import write_private
from madoguchi.settings import Settings

CA_NAME = "madoguchi demo JPKI CA"
KEY_FILE = "ca.key"
CERTIFICATE_FILE = "ca.crt"
CRL_FILE = "ca.crl"
KEY_SIZE = 2048
CARD_VALIDITY_YEARS = 5
CA_VALIDITY_YEARS = 20
CRL_VALIDITY = timedelta(days=1)


def authority_folder(settings: Settings) -> Path:
    """Where the demo's card authority lives: ``card-ca/`` beside the key file."""
    return settings.keys_file.parent / "card-ca"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def years_later(moment: datetime, years: int) -> datetime:
    """The same moment ``years`` later (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


@dataclass(frozen=True)
class CardAuthority:
    folder: Path
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @classmethod
    def open(cls, folder: Path) -> CardAuthority:
        """The authority kept in the folder; made (key, root certificate, empty CRL) the first time."""
        key_path, certificate_path = folder / KEY_FILE, folder / CERTIFICATE_FILE
        if key_path.exists() and certificate_path.exists():
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            if not isinstance(key, rsa.RSAPrivateKey):
                raise ValueError(f"{key_path} does not hold an RSA key")
            return cls(folder, key, x509.load_pem_x509_certificate(certificate_path.read_bytes()))
        authority = cls(folder, key := new_key(), _root_certificate(key, clock.now()))
        write_private(key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
        write_private(certificate_path, authority.certificate.public_bytes(serialization.Encoding.PEM))
        authority._publish({}, number=1)
        return authority

    def issue_certificate(self, public_key: rsa.RSAPublicKey, *, kind: CertificateKind,
                          basic_items: BasicItems | None = None) -> x509.Certificate:
        """A card certificate for the key, valid 5 years from now; a signing one names its holder.

        The subject is a random card name: neither certificate carries a
        宛名番号 or a My Number, and only the signing one the 4 basic items.
        """
        if (kind is CertificateKind.SIGNING) != (basic_items is not None):
            raise ValueError("a signing certificate carries the 4 basic items, and only it")
        now = clock.now()
        serial = x509.random_serial_number()
        subject = x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "madoguchi demo"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"virtual card {serial:x}"),
        ])
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(serial)
            .not_valid_before(now)
            .not_valid_after(years_later(now, CARD_VALIDITY_YEARS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(key_usage(kind), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(self._authority_key_id(), critical=False)
        )
        if basic_items is not None:
            builder = builder.add_extension(basic_items_extension(basic_items), critical=False)
        return builder.sign(self.key, hashes.SHA256())

    def crl(self) -> x509.CertificateRevocationList:
        """The current CRL; re-signed with the same entries once its next update has come."""
        current = x509.load_pem_x509_crl((self.folder / CRL_FILE).read_bytes())
        next_update = current.next_update_utc
        if next_update is not None and clock.now() < next_update:
            return current
        return self._publish(_entries(current), number=_number(current) + 1)

    def revoke(self, serials: Collection[int]) -> x509.CertificateRevocationList:
        """Put the certificates on the CRL (revoked now; those already on it keep their date)."""
        current = self.crl()
        entries = _entries(current)
        now = clock.now()
        for serial in serials:
            entries.setdefault(serial, now)
        return self._publish(entries, number=_number(current) + 1)

    def _publish(self, entries: dict[int, datetime], *, number: int) -> x509.CertificateRevocationList:
        now = clock.now()
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(now)
            .next_update(now + CRL_VALIDITY)
            .add_extension(x509.CRLNumber(number), critical=False)
            .add_extension(self._authority_key_id(), critical=False)
        )
        for serial, revoked_at in sorted(entries.items()):
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(revoked_at).build())
        crl = builder.sign(self.key, hashes.SHA256())
        write_private(self.folder / CRL_FILE, crl.public_bytes(serialization.Encoding.PEM))
        return crl

    def _authority_key_id(self) -> x509.AuthorityKeyIdentifier:
        return x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key())


def _root_certificate(key: rsa.RSAPrivateKey, now: datetime) -> x509.Certificate:
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "madoguchi demo"),
        x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME),
    ])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(years_later(now, CA_VALIDITY_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def _entries(crl: x509.CertificateRevocationList) -> dict[int, datetime]:
    return {entry.serial_number: entry.revocation_date_utc for entry in crl}


def _number(crl: x509.CertificateRevocationList) -> int:
    return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
