from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from madoguchi.identity.card_challenge import KEPT_AFTER_EXPIRY, issue_challenge
from madoguchi.identity.card_models import CardChallenge
from madoguchi.identity.card_profile import CertificateKind
from madoguchi.identity.card_trust import CardTrust
from madoguchi.identity.card_verify import verify_challenge
from madoguchi.identity.errors import (
    CardCertificateWrongKind,
    CardChallengeInvalid,
    CardSignatureInvalid,
)
from madoguchi.identity.virtual_card import VirtualCard

from .conftest import NOW

LIFETIME = timedelta(minutes=2)


def test_a_card_answers_a_challenge_and_the_server_names_its_certificate(
        session: Session, card: VirtualCard, trust: CardTrust) -> None:
    challenge = issue_challenge(session, at=NOW, lifetime=LIFETIME)
    assert len(challenge.nonce) == 32 and challenge.expires_at == NOW + LIFETIME
    holder = verify_challenge(session, challenge=challenge.nonce, signature=card.authenticate(challenge.nonce),
                              certificate_der=card.auth_certificate_der, trust=trust, at=NOW + timedelta(seconds=30))
    assert holder.kind is CertificateKind.AUTHENTICATION
    assert holder.serial == f"{card.auth_certificate.serial_number:x}"
    assert holder.basic_items is None


def test_a_challenge_is_answered_once(session: Session, card: VirtualCard, trust: CardTrust) -> None:
    challenge = issue_challenge(session, at=NOW, lifetime=LIFETIME)
    answer = card.authenticate(challenge.nonce)
    verify_challenge(session, challenge=challenge.nonce, signature=answer,
                     certificate_der=card.auth_certificate_der, trust=trust, at=NOW)
    with pytest.raises(CardChallengeInvalid) as refused:
        verify_challenge(session, challenge=challenge.nonce, signature=answer,
                         certificate_der=card.auth_certificate_der, trust=trust, at=NOW)
    assert (refused.value.status, refused.value.type) == (401, "card-challenge-invalid")
    assert "already been answered" in refused.value.detail


def test_an_expired_challenge_is_refused(session: Session, card: VirtualCard, trust: CardTrust) -> None:
    challenge = issue_challenge(session, at=NOW, lifetime=LIFETIME)
    with pytest.raises(CardChallengeInvalid) as refused:
        verify_challenge(session, challenge=challenge.nonce, signature=card.authenticate(challenge.nonce),
                         certificate_der=card.auth_certificate_der, trust=trust, at=challenge.expires_at)
    assert "expired" in refused.value.detail


def test_a_challenge_the_server_never_issued_is_refused(session: Session, card: VirtualCard,
                                                        trust: CardTrust) -> None:
    nonce = b"\x01" * 32
    with pytest.raises(CardChallengeInvalid) as refused:
        verify_challenge(session, challenge=nonce, signature=card.authenticate(nonce),
                         certificate_der=card.auth_certificate_der, trust=trust, at=NOW)
    assert "did not issue" in refused.value.detail


def test_an_answer_signed_with_the_wrong_key_or_certificate_is_refused(
        session: Session, card: VirtualCard, trust: CardTrust) -> None:
    challenge = issue_challenge(session, at=NOW, lifetime=LIFETIME)
    with pytest.raises(CardSignatureInvalid):
        verify_challenge(session, challenge=challenge.nonce, signature=card.sign(challenge.nonce),
                         certificate_der=card.auth_certificate_der, trust=trust, at=NOW)
    other = issue_challenge(session, at=NOW, lifetime=LIFETIME)
    with pytest.raises(CardCertificateWrongKind):
        verify_challenge(session, challenge=other.nonce, signature=card.sign(other.nonce),
                         certificate_der=card.signing_certificate_der, trust=trust, at=NOW)


def test_only_the_challenges_hash_is_stored_and_long_expired_ones_are_removed(session: Session) -> None:
    old = issue_challenge(session, at=NOW, lifetime=LIFETIME)
    stored = session.scalars(select(CardChallenge.id)).all()
    assert old.nonce.hex() not in stored and len(stored) == 1
    issue_challenge(session, at=old.expires_at + KEPT_AFTER_EXPIRY + timedelta(seconds=1), lifetime=LIFETIME)
    assert stored[0] not in session.scalars(select(CardChallenge.id)).all()
