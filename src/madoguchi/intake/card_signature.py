"""The intake's signature check with the My Number card: the certificate verified, then linked to a resident."""

from __future__ import annotations

import base64
import binascii

from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.identity.card_links import resident_for
from madoguchi.identity.card_trust import CardTrust
from madoguchi.identity.card_verify import verify_signature
from madoguchi.intake.intake_errors import SignatureInvalid
from madoguchi.intake.signing import CardSignature, SignatureCheck, SignedBy
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.vault import Vault

INTAKE = Actor.system("intake", None)
"""Who reads the hub to tie a signing card to its resident."""


def card_signature_check(trust: CardTrust, *, purposes: PurposeRegistry, vault: Vault) -> SignatureCheck:
    """A check that verifies the card's signature against ``trust`` and finds the resident it belongs to."""

    def check(session: Session, content: bytes, signature: CardSignature) -> SignedBy:
        try:
            certificate = base64.b64decode(signature.certificate, validate=True)
            value = base64.b64decode(signature.value, validate=True)
        except (binascii.Error, ValueError):
            raise SignatureInvalid("the signature and its certificate must be base64") from None
        holder = verify_signature(content, value, certificate, trust=trust, at=clock.now())
        atena = resident_for(session, holder, actor=INTAKE, purposes=purposes, vault=vault)
        items = holder.basic_items
        return SignedBy(atena, items.name if items else "", holder.birth_date, holder.issuer, holder.serial)

    return check


def sign_with(card_sign: bytes, certificate_der: bytes) -> CardSignature:
    """The signature as a card's front sends it: both parts base64."""
    return CardSignature(certificate=base64.b64encode(certificate_der).decode(),
                         value=base64.b64encode(card_sign).decode())
