"""A simulated My Number card for demo residents: two real key pairs and their certificates.

A real card keeps its private keys in its chip and signs inside it; the
virtual card holds them in memory and, for the demo, in a file
(``cards/<宛名番号>.json`` beside the key file, mode 0600). It signs as the
chip does (RSA PKCS#1 v1.5, SHA-256): ``sign`` with the signing key
(署名用), ``authenticate`` with the user-authentication key (利用者証明用).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.identity.card_authority import CardAuthority, new_key
from madoguchi.identity.card_links import add_link, basic_items_of, unlink_cards
from madoguchi.identity.card_models import CardLink
from madoguchi.identity.card_profile import BasicItems, CertificateKind
from madoguchi.identity.card_trust import trust_of
from madoguchi.identity.card_verify import verify_certificate
from madoguchi.identity.files import write_private
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.settings import Settings
from madoguchi.vault import Vault


@dataclass(frozen=True)
class VirtualCard:
    atena_number: str
    """Whose card it is, for the demo's files; no certificate carries it."""
    signing_key: rsa.RSAPrivateKey
    signing_certificate: x509.Certificate
    auth_key: rsa.RSAPrivateKey
    auth_certificate: x509.Certificate

    def sign(self, data: bytes) -> bytes:
        """Sign with the signing key (署名用電子証明書), as the card does."""
        return self.signing_key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    def authenticate(self, challenge: bytes) -> bytes:
        """Answer a login challenge with the user-authentication key (利用者証明用電子証明書)."""
        return self.auth_key.sign(challenge, padding.PKCS1v15(), hashes.SHA256())

    @property
    def signing_certificate_der(self) -> bytes:
        return self.signing_certificate.public_bytes(serialization.Encoding.DER)

    @property
    def auth_certificate_der(self) -> bytes:
        return self.auth_certificate.public_bytes(serialization.Encoding.DER)

    def to_json(self) -> str:
        return json.dumps({
            "atena_number": self.atena_number,
            "signing": _pair(self.signing_key, self.signing_certificate),
            "authentication": _pair(self.auth_key, self.auth_certificate),
        }, indent=2)

    @classmethod
    def from_json(cls, text: str) -> VirtualCard:
        document = json.loads(text)
        signing_key, signing_certificate = _unpair(document["signing"])
        auth_key, auth_certificate = _unpair(document["authentication"])
        return cls(document["atena_number"], signing_key, signing_certificate, auth_key, auth_certificate)


def issue_virtual_card(authority: CardAuthority, *, atena_number: str, basic_items: BasicItems) -> VirtualCard:
    """A new card: two RSA-2048 key pairs, a signing certificate naming the holder, an authentication one."""
    signing_key, auth_key = new_key(), new_key()
    return VirtualCard(
        atena_number=atena_number,
        signing_key=signing_key,
        signing_certificate=authority.issue_certificate(
            signing_key.public_key(), kind=CertificateKind.SIGNING, basic_items=basic_items),
        auth_key=auth_key,
        auth_certificate=authority.issue_certificate(auth_key.public_key(), kind=CertificateKind.AUTHENTICATION),
    )


def issue_card_for_resident(session: Session, *, actor: Actor, authority: CardAuthority, atena_number: str,
                            purposes: PurposeRegistry, vault: Vault) -> VirtualCard:
    """Issue a virtual card with the resident's basic items from the hub, and link both certificates.

    Raises PersonNotFound, CardHolderIncomplete, CardLinkConflict.
    """
    items = basic_items_of(session, actor=actor, atena_number=atena_number, purposes=purposes, vault=vault)
    card = issue_virtual_card(authority, atena_number=atena_number, basic_items=items)
    trust, now = trust_of(authority), clock.now()
    for der, kind in ((card.signing_certificate_der, CertificateKind.SIGNING),
                      (card.auth_certificate_der, CertificateKind.AUTHENTICATION)):
        holder = verify_certificate(der, kind=kind, trust=trust, at=now)
        add_link(session, actor=actor, atena_number=atena_number, holder=holder)
    return card


def revoke_cards_of(session: Session, *, actor: Actor, authority: CardAuthority,
                    atena_number: str) -> list[CardLink]:
    """Unlink the resident's certificates and put those of this authority on its CRL.

    The links end first (flushed), then the CRL is written: if the transaction
    then fails, the certificates are revoked all the same — the safe side.
    Raises CardNotLinked.
    """
    links = unlink_cards(session, actor=actor, atena_number=atena_number)
    issuer = authority.certificate.subject.rfc4514_string()
    authority.revoke([int(link.serial, 16) for link in links if link.issuer == issuer])
    return links


def cards_folder(settings: Settings) -> Path:
    """Where the demo keeps virtual cards: ``cards/`` beside the key file."""
    return settings.keys_file.parent / "cards"


def save_virtual_card(card: VirtualCard, folder: Path) -> Path:
    """Write the card to ``<folder>/<宛名番号>.json``, mode 0600; returns the path."""
    if not (card.atena_number.isascii() and card.atena_number.isdigit()):
        raise ValueError("a 宛名番号 is digits")  # it names the file: no path may hide in it
    path = folder / f"{card.atena_number}.json"
    write_private(path, card.to_json().encode("utf-8"))
    return path


def load_virtual_card(path: Path) -> VirtualCard:
    return VirtualCard.from_json(path.read_text(encoding="utf-8"))


def _pair(key: rsa.RSAPrivateKey, certificate: x509.Certificate) -> dict[str, str]:
    return {
        "key": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode("ascii"),
        "certificate": certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    }


def _unpair(document: dict[str, str]) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = serialization.load_pem_private_key(document["key"].encode("ascii"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("a virtual card's key is an RSA key")
    return key, x509.load_pem_x509_certificate(document["certificate"].encode("ascii"))
