from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from madoguchi import clock
from madoguchi.identity.card_authority import CA_NAME, CardAuthority, authority_folder
from madoguchi.identity.card_profile import CertificateKind
from madoguchi.identity.virtual_card import VirtualCard
from madoguchi.settings import Settings

from .conftest import CA_MADE, ISSUED, NOW, make_authority

KeyPair = tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def crl_number(crl: x509.CertificateRevocationList) -> int:
    return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number


def test_the_authority_lives_beside_the_key_file() -> None:
    assert authority_folder(Settings(keys_file=Path("/srv/city/keys.json"))) == Path("/srv/city/card-ca")


def test_the_authority_is_made_once_with_files_only_its_owner_reads(tmp_path: Path, ca_folder: Path) -> None:
    assert sorted(p.name for p in ca_folder.iterdir()) == ["ca.crl", "ca.crt", "ca.key"]
    assert {mode(p) for p in ca_folder.iterdir()} == {0o600}
    first = CardAuthority.open(ca_folder)
    again = CardAuthority.open(ca_folder)
    assert again.certificate == first.certificate
    assert again.key.private_numbers() == first.key.private_numbers()


def test_the_root_is_a_2048_bit_rsa_ca_named_for_the_demo(authority: CardAuthority) -> None:
    root = authority.certificate
    assert root.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == CA_NAME
    assert root.issuer == root.subject
    key = root.public_key()
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048
    constraints = root.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca
    assert root.extensions.get_extension_for_class(x509.KeyUsage).value.crl_sign
    assert root.not_valid_before_utc == CA_MADE


def test_card_certificates_last_five_years_and_carry_no_personal_data_but_the_signing_ones_items(
        card: VirtualCard) -> None:
    for certificate in (card.signing_certificate, card.auth_certificate):
        assert certificate.not_valid_before_utc == ISSUED
        assert certificate.not_valid_after_utc == ISSUED.replace(year=2030)
        assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert "山田" not in certificate.subject.rfc4514_string()
    usage = card.signing_certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.content_commitment and not usage.digital_signature
    usage = card.auth_certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and not usage.content_commitment
    names = card.signing_certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert len(names.get_values_for_type(x509.OtherName)) == 4
    assert "山田".encode() not in card.auth_certificate_der
    assert "山田".encode() in card.signing_certificate_der


def test_a_certificate_issued_on_29_february_ends_on_28_february(
        authority: CardAuthority, card_keys: KeyPair) -> None:
    leap = ISSUED.replace(year=2028, month=2, day=29)
    clock.freeze(leap)
    certificate = authority.issue_certificate(card_keys[1].public_key(), kind=CertificateKind.AUTHENTICATION)
    assert certificate.not_valid_after_utc == leap.replace(year=2033, day=28)


def test_revoking_puts_serials_on_a_newly_numbered_crl_and_keeps_earlier_entries(
        authority: CardAuthority, card: VirtualCard) -> None:
    clock.freeze(NOW)
    before = authority.crl()
    first = authority.revoke([card.signing_certificate.serial_number])
    clock.freeze(NOW + timedelta(hours=1))
    second = authority.revoke([card.auth_certificate.serial_number, card.signing_certificate.serial_number])
    assert crl_number(before) < crl_number(first) < crl_number(second)
    assert len(before) == 0 and len(second) == 2
    kept = second.get_revoked_certificate_by_serial_number(card.signing_certificate.serial_number)
    assert kept is not None and kept.revocation_date_utc == NOW.replace(microsecond=0)
    assert second.is_signature_valid(authority.key.public_key())
    assert CardAuthority.open(authority.folder).crl() == second
    assert mode(authority.folder / "ca.crl") == 0o600


def test_the_crl_is_re_signed_once_its_next_update_has_come(authority: CardAuthority, card: VirtualCard) -> None:
    clock.freeze(NOW)
    revoked = authority.revoke([card.auth_certificate.serial_number])
    assert authority.crl() == revoked
    clock.freeze(NOW + timedelta(days=1))
    fresh = authority.crl()
    assert fresh.last_update_utc == NOW + timedelta(days=1)
    assert fresh.next_update_utc == NOW + timedelta(days=2)
    assert [entry.serial_number for entry in fresh] == [card.auth_certificate.serial_number]


def test_a_second_authority_is_another_ca(tmp_path: Path, authority: CardAuthority) -> None:
    other = make_authority(tmp_path / "other", CA_MADE)
    assert other.certificate.public_key() != authority.certificate.public_key()
