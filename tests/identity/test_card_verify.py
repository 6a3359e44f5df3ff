from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from madoguchi.errors import AppError
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.identity.card_profile import CertificateKind
from madoguchi.identity.card_trust import CardTrust, TrustedAuthority, trust_of
from madoguchi.identity.card_verify import verify_certificate, verify_signature
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
from madoguchi.identity.virtual_card import VirtualCard

from .conftest import CA_MADE, ISSUED, ITEMS, NOW, card_from, make_authority, trust_at

BUNDLE = b'{"kind":"madoguchi-bundle/1","applications":[]}'
KeyPair = tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]


def test_a_good_signature_verifies_and_names_the_holder(card: VirtualCard, trust: CardTrust) -> None:
    holder = verify_signature(BUNDLE, card.sign(BUNDLE), card.signing_certificate_der, trust=trust, at=NOW)
    assert holder.kind is CertificateKind.SIGNING
    assert holder.serial == f"{card.signing_certificate.serial_number:x}"
    assert holder.issuer == "CN=madoguchi demo JPKI CA,O=madoguchi demo,C=JP"
    assert holder.basic_items == ITEMS
    assert holder.birth_date is not None and holder.birth_date.isoformat() == "1985-06-15"
    assert holder.not_after == (ISSUED.replace(year=2030)).replace(microsecond=0)


def test_a_signature_over_other_data_is_refused(card: VirtualCard, trust: CardTrust) -> None:
    with pytest.raises(CardSignatureInvalid) as refused:
        verify_signature(BUNDLE + b" ", card.sign(BUNDLE), card.signing_certificate_der, trust=trust, at=NOW)
    assert (refused.value.status, refused.value.type) == (401, "card-signature-invalid")


def test_a_signature_by_the_cards_other_key_is_refused(card: VirtualCard, trust: CardTrust) -> None:
    with pytest.raises(CardSignatureInvalid):
        verify_signature(BUNDLE, card.authenticate(BUNDLE), card.signing_certificate_der, trust=trust, at=NOW)


def test_a_certificate_from_another_ca_is_untrusted(tmp_path: Path, card_keys: KeyPair, trust: CardTrust) -> None:
    other = make_authority(tmp_path / "other-ca", CA_MADE)
    foreign = card_from(other, card_keys)
    with pytest.raises(CardCertificateUntrusted) as refused:
        verify_signature(BUNDLE, foreign.sign(BUNDLE), foreign.signing_certificate_der, trust=trust, at=NOW)
    assert refused.value.status == 403


def test_a_ca_that_copies_the_trusted_cas_name_is_untrusted(
        authority: CardAuthority, card_keys: KeyPair, trust: CardTrust, tmp_path: Path) -> None:
    impostor_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    impostor = CardAuthority(tmp_path, impostor_key, authority.certificate)  # same name, another key
    forged = card_from(impostor, card_keys)
    assert forged.signing_certificate.issuer == authority.certificate.subject
    with pytest.raises(CardCertificateUntrusted):
        verify_signature(BUNDLE, forged.sign(BUNDLE), forged.signing_certificate_der, trust=trust, at=NOW)


def test_an_expired_certificate_is_refused(authority: CardAuthority, card: VirtualCard) -> None:
    later = ISSUED.replace(year=2030) + timedelta(seconds=1)
    with pytest.raises(CardCertificateExpired) as refused:
        verify_signature(BUNDLE, card.sign(BUNDLE), card.signing_certificate_der,
                         trust=trust_at(authority, later), at=later)
    assert refused.value.type == "card-certificate-expired"


def test_the_certificate_is_valid_to_its_last_second(authority: CardAuthority, card: VirtualCard) -> None:
    last = ISSUED.replace(year=2030) - timedelta(seconds=1)
    assert verify_signature(BUNDLE, card.sign(BUNDLE), card.signing_certificate_der,
                            trust=trust_at(authority, last), at=last).basic_items == ITEMS


def test_a_certificate_not_yet_valid_is_refused(card: VirtualCard, trust: CardTrust) -> None:
    with pytest.raises(CardCertificateNotYetValid) as refused:
        verify_signature(BUNDLE, card.sign(BUNDLE), card.signing_certificate_der, trust=trust,
                         at=ISSUED - timedelta(minutes=1))
    assert refused.value.type == "card-certificate-not-yet-valid"


def test_a_revoked_certificate_is_refused_and_the_cards_other_one_still_passes(
        authority: CardAuthority, card: VirtualCard) -> None:
    authority.revoke([card.signing_certificate.serial_number])
    trust = trust_of(authority)
    with pytest.raises(CardCertificateRevoked) as refused:
        verify_signature(BUNDLE, card.sign(BUNDLE), card.signing_certificate_der, trust=trust, at=NOW)
    assert refused.value.status == 403
    holder = verify_certificate(card.auth_certificate_der, kind=CertificateKind.AUTHENTICATION, trust=trust, at=NOW)
    assert holder.serial == f"{card.auth_certificate.serial_number:x}"


def test_a_stale_crl_refuses_rather_than_passes(card: VirtualCard, trust: CardTrust) -> None:
    day_later = NOW + timedelta(days=1)
    with pytest.raises(CardRevocationUnavailable) as refused:
        verify_signature(BUNDLE, card.sign(BUNDLE), card.signing_certificate_der, trust=trust, at=day_later)
    assert (refused.value.status, refused.value.type) == (503, "card-revocation-unavailable")
    assert "out of date" in refused.value.detail


def test_a_crl_not_signed_by_the_ca_refuses(authority: CardAuthority, card: VirtualCard, trust: CardTrust) -> None:
    forged = (x509.CertificateRevocationListBuilder()
              .issuer_name(authority.certificate.subject)
              .last_update(NOW - timedelta(minutes=1)).next_update(NOW + timedelta(days=1))
              .sign(rsa.generate_private_key(public_exponent=65537, key_size=2048), hashes.SHA256()))
    with pytest.raises(CardRevocationUnavailable) as refused:
        verify_signature(BUNDLE, card.sign(BUNDLE), card.signing_certificate_der,
                         trust=CardTrust((TrustedAuthority(authority.certificate, forged),)), at=NOW)
    assert "not signed" in refused.value.detail


def test_a_ca_without_a_crl_refuses(authority: CardAuthority, card: VirtualCard) -> None:
    with pytest.raises(CardRevocationUnavailable):
        verify_signature(BUNDLE, card.sign(BUNDLE), card.signing_certificate_der,
                         trust=CardTrust((TrustedAuthority(authority.certificate, None),)), at=NOW)


def test_an_authentication_certificate_cannot_sign_a_bundle(card: VirtualCard, trust: CardTrust) -> None:
    with pytest.raises(CardCertificateWrongKind) as refused:
        verify_signature(BUNDLE, card.authenticate(BUNDLE), card.auth_certificate_der, trust=trust, at=NOW)
    assert refused.value.status == 403 and "利用者証明用" in refused.value.detail


def test_a_signing_certificate_cannot_log_in(card: VirtualCard, trust: CardTrust) -> None:
    with pytest.raises(CardCertificateWrongKind):
        verify_certificate(card.signing_certificate_der, kind=CertificateKind.AUTHENTICATION, trust=trust, at=NOW)


@pytest.mark.parametrize("der", [b"", b"\x30\x03\x02\x01\x01", b"not a certificate"])
def test_unreadable_certificates_are_refused(der: bytes, trust: CardTrust) -> None:
    with pytest.raises(CardCertificateInvalid) as refused:
        verify_signature(BUNDLE, b"\x00" * 256, der, trust=trust, at=NOW)
    assert refused.value.status == 422


def test_the_cas_own_certificate_is_not_a_card(authority: CardAuthority, trust: CardTrust) -> None:
    with pytest.raises(CardCertificateInvalid):
        verify_signature(BUNDLE, authority.key.sign(BUNDLE, padding.PKCS1v15(), hashes.SHA256()),
                         authority.certificate.public_bytes(serialization.Encoding.DER), trust=trust, at=NOW)


def test_no_refusal_names_the_holder(authority: CardAuthority, card: VirtualCard) -> None:
    authority.revoke([card.signing_certificate.serial_number])
    trust = trust_of(authority)
    refusals: list[AppError] = []
    for data, at in ((BUNDLE, NOW), (BUNDLE, NOW + timedelta(days=2))):
        with pytest.raises(AppError) as refused:
            verify_signature(data, card.sign(BUNDLE), card.signing_certificate_der, trust=trust, at=at)
        refusals.append(refused.value)
    for refusal in refusals:
        assert "山田" not in refusal.detail and f"{card.signing_certificate.serial_number:x}" not in refusal.detail
