from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from madoguchi import clock
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.identity.card_profile import CertificateKind
from madoguchi.identity.card_settings import CardSettings
from madoguchi.identity.card_trust import (
    CardTrust,
    CardTrustInvalid,
    TrustedAuthority,
    configured_trust,
    load_card_trust,
)
from madoguchi.identity.card_verify import verify_certificate
from madoguchi.identity.errors import CardCertificateRevoked, CardRevocationUnavailable
from madoguchi.identity.virtual_card import VirtualCard
from madoguchi.settings import Settings

from .conftest import CA_MADE, NOW, card_from, make_authority


def test_the_demo_authoritys_folder_is_a_trust_configuration(authority: CardAuthority, card: VirtualCard) -> None:
    clock.freeze(NOW)
    authority.revoke([card.auth_certificate.serial_number])
    trust = load_card_trust(authority.folder)
    assert [t.certificate for t in trust.authorities] == [authority.certificate]
    with pytest.raises(CardCertificateRevoked):
        verify_certificate(card.auth_certificate_der, kind=CertificateKind.AUTHENTICATION, trust=trust, at=NOW)


def test_a_city_folder_of_der_certificates_and_crls_keeps_the_latest_crl_of_each_ca(
        tmp_path: Path, authority: CardAuthority, card: VirtualCard) -> None:
    folder = tmp_path / "trust"
    folder.mkdir()
    other = make_authority(tmp_path / "other", CA_MADE)
    clock.freeze(NOW)
    older = authority.crl()
    clock.freeze(NOW + timedelta(minutes=1))
    newer = authority.revoke([card.signing_certificate.serial_number])
    for name, item in (("jpki-sign.cer", authority.certificate), ("other.crt", other.certificate)):
        (folder / name).write_bytes(item.public_bytes(serialization.Encoding.DER))
    (folder / "a-newer.crl").write_bytes(newer.public_bytes(serialization.Encoding.DER))
    (folder / "b-older.crl").write_bytes(older.public_bytes(serialization.Encoding.PEM))
    (folder / "README.txt").write_text("the city's JPKI trust")
    trust = load_card_trust(folder)
    crls = {t.certificate.subject: t.crl for t in trust.authorities}
    assert crls == {authority.certificate.subject: newer, other.certificate.subject: None}
    with pytest.raises(CardCertificateRevoked):
        verify_certificate(card.signing_certificate_der, kind=CertificateKind.SIGNING, trust=trust, at=NOW)


def test_a_ca_of_the_configuration_without_a_crl_lets_nothing_pass(
        tmp_path: Path, authority: CardAuthority, card: VirtualCard) -> None:
    folder = tmp_path / "trust"
    folder.mkdir()
    shutil.copy(authority.folder / "ca.crt", folder / "ca.crt")
    with pytest.raises(CardRevocationUnavailable, match="no revocation list"):
        verify_certificate(card.auth_certificate_der, kind=CertificateKind.AUTHENTICATION,
                           trust=load_card_trust(folder), at=NOW)


def test_an_unusable_configuration_says_why(tmp_path: Path, authority: CardAuthority) -> None:
    with pytest.raises(CardTrustInvalid, match="not a folder"):
        load_card_trust(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CardTrustInvalid, match="no CA certificate"):
        load_card_trust(tmp_path / "empty")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "ca.crt").write_bytes(b"garbage")
    with pytest.raises(CardTrustInvalid, match="ca.crt"):
        load_card_trust(tmp_path / "bad")
    (tmp_path / "orphan").mkdir()
    other = make_authority(tmp_path / "other", CA_MADE)
    shutil.copy(other.folder / "ca.crl", tmp_path / "orphan" / "other.crl")
    shutil.copy(authority.folder / "ca.crt", tmp_path / "orphan" / "ca.crt")
    with pytest.raises(CardTrustInvalid, match="no configured CA signed"):
        load_card_trust(tmp_path / "orphan")


def test_without_a_configured_folder_the_demo_authority_is_trusted_and_made_if_absent(tmp_path: Path) -> None:
    settings = Settings(keys_file=tmp_path / ".madoguchi" / "keys.json")
    clock.freeze(NOW)
    trust = configured_trust(settings, CardSettings(trust_dir=None))
    [trusted] = trust.authorities
    assert trusted.certificate == CardAuthority.open(tmp_path / ".madoguchi" / "card-ca").certificate
    assert trusted.crl is not None and trusted.crl.next_update_utc == NOW + timedelta(days=1)


def test_a_configured_folder_is_used_instead_of_the_demo_authority(tmp_path: Path, authority: CardAuthority) -> None:
    settings = Settings(keys_file=tmp_path / "city" / "keys.json")
    trust = configured_trust(settings, CardSettings(trust_dir=authority.folder))
    assert [t.certificate for t in trust.authorities] == [authority.certificate]
    assert not (tmp_path / "city" / "card-ca").exists()


def test_the_configured_trust_is_read_once_while_its_files_are_unchanged(tmp_path: Path,
                                                                          authority: CardAuthority) -> None:
    clock.freeze(NOW)
    authority.crl()
    settings, card_settings = Settings(keys_file=tmp_path / "city" / "keys.json"), CardSettings(trust_dir=authority.folder)
    assert configured_trust(settings, card_settings) is configured_trust(settings, card_settings)


def test_a_crl_replaced_on_disk_counts_from_the_next_verification(tmp_path: Path, authority: CardAuthority,
                                                                   card: VirtualCard) -> None:
    folder = tmp_path / "trust"
    folder.mkdir()
    clock.freeze(NOW)
    shutil.copy(authority.folder / "ca.crt", folder / "jpki.crt")
    (folder / "jpki.crl").write_bytes(authority.crl().public_bytes(serialization.Encoding.DER))
    settings, card_settings = Settings(keys_file=tmp_path / "city" / "keys.json"), CardSettings(trust_dir=folder)
    der = card.signing_certificate_der
    verify_certificate(der, kind=CertificateKind.SIGNING, trust=configured_trust(settings, card_settings), at=NOW)

    revoked = authority.revoke([card.signing_certificate.serial_number])
    (folder / "jpki.crl").write_bytes(revoked.public_bytes(serialization.Encoding.DER))  # written over in place
    for _ in range(2):  # and still refused with the trust kept since
        with pytest.raises(CardCertificateRevoked):
            verify_certificate(der, kind=CertificateKind.SIGNING, trust=configured_trust(settings, card_settings),
                               at=NOW)


def test_the_demo_authority_revokes_at_once_and_renews_its_crl_when_due(
        tmp_path: Path, card_keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]) -> None:
    settings = Settings(keys_file=tmp_path / ".madoguchi" / "keys.json")
    demo = CardSettings(trust_dir=None)
    clock.freeze(CA_MADE)
    [first] = configured_trust(settings, demo).authorities
    authority = CardAuthority.open(tmp_path / ".madoguchi" / "card-ca")
    card = card_from(authority, card_keys)
    clock.freeze(NOW)
    [renewed] = configured_trust(settings, demo).authorities
    assert first.crl is not None and renewed.crl is not None
    assert renewed.crl.next_update_utc == NOW + timedelta(days=1) > first.crl.next_update_utc
    verify_certificate(card.auth_certificate_der, kind=CertificateKind.AUTHENTICATION,
                       trust=configured_trust(settings, demo), at=NOW)
    authority.revoke([card.auth_certificate.serial_number])
    with pytest.raises(CardCertificateRevoked):
        verify_certificate(card.auth_certificate_der, kind=CertificateKind.AUTHENTICATION,
                           trust=configured_trust(settings, demo), at=NOW)


def test_a_foreign_crl_is_refused_at_every_verification(authority: CardAuthority, card: VirtualCard,
                                                        tmp_path: Path) -> None:
    other = make_authority(tmp_path / "other", CA_MADE)
    clock.freeze(NOW)
    trust = CardTrust((TrustedAuthority(authority.certificate, other.crl()),))
    for _ in range(2):
        with pytest.raises(CardRevocationUnavailable, match="not signed"):
            verify_certificate(card.auth_certificate_der, kind=CertificateKind.AUTHENTICATION, trust=trust, at=NOW)
