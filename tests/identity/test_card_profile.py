from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from madoguchi import clock
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.identity.card_profile import (
    ARC,
    ITEM_OIDS,
    BasicItems,
    CertificateKind,
    ProfileError,
    basic_items_extension,
    key_usage,
    read_basic_items,
)
from madoguchi.identity.card_trust import trust_of
from madoguchi.identity.card_verify import verify_certificate
from madoguchi.identity.errors import CardCertificateInvalid

from .conftest import ISSUED, NOW

KeyPair = tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]


def test_the_item_oids_sit_under_madoguchis_uuid_arc() -> None:
    assert ARC.startswith("2.25.")
    assert [oid.dotted_string for oid in ITEM_OIDS.values()] == [f"{ARC}.1.{n}" for n in (1, 2, 3, 4)]


@pytest.mark.parametrize("address", [
    "東京都新宿区新宿1-2-3",
    "北海道" + "札幌市中央区北一条西二丁目" * 12,  # over 127 bytes of UTF-8: the long length form
    "東京都千代田区霞が関1-1\u3000𠮷野ビル葛\U000E0100",  # a character beyond the BMP and an IVS
])
def test_basic_items_round_trip_byte_exact(authority: CardAuthority, card_keys: KeyPair, address: str) -> None:
    items = BasicItems(name="𠮷田\u3000花子", birth_date="1987-01-05", sex="2", address=address)
    clock.freeze(ISSUED)
    certificate = authority.issue_certificate(card_keys[0].public_key(), kind=CertificateKind.SIGNING,
                                              basic_items=items)
    assert read_basic_items(certificate) == items


def test_an_item_that_is_not_a_utf8_string_is_refused(authority: CardAuthority, card_keys: KeyPair) -> None:
    names = list(basic_items_extension(BasicItems("山田\u3000太郎", "1985-06-15", "1", "東京都")))
    names[3] = x509.OtherName(ITEM_OIDS["address"], b"\x13\x03abc")  # a PrintableString
    clock.freeze(ISSUED)
    certificate = _with_names(authority, card_keys, x509.SubjectAlternativeName(names))
    with pytest.raises(ProfileError, match="not a UTF8String"):
        read_basic_items(certificate)


def test_a_signing_certificate_missing_an_item_is_refused(authority: CardAuthority, card_keys: KeyPair) -> None:
    names = list(basic_items_extension(BasicItems("山田\u3000太郎", "1985-06-15", "1", "東京都")))[:3]
    clock.freeze(ISSUED)
    certificate = _with_names(authority, card_keys, x509.SubjectAlternativeName(names))
    with pytest.raises(ProfileError, match="address"):
        read_basic_items(certificate)
    clock.freeze(NOW)
    with pytest.raises(CardCertificateInvalid, match="lacks the basic items: address"):
        verify_certificate(certificate.public_bytes(serialization.Encoding.DER), kind=CertificateKind.SIGNING,
                           trust=trust_of(authority), at=NOW)


def test_a_signing_certificate_needs_the_items_and_an_authentication_one_refuses_them(
        authority: CardAuthority, card_keys: KeyPair) -> None:
    with pytest.raises(ValueError):
        authority.issue_certificate(card_keys[0].public_key(), kind=CertificateKind.SIGNING)
    with pytest.raises(ValueError):
        authority.issue_certificate(card_keys[1].public_key(), kind=CertificateKind.AUTHENTICATION,
                                    basic_items=BasicItems("a", "b", "c", "d"))


def test_a_birth_date_is_a_date_or_the_registers_note() -> None:
    assert BasicItems("a", "1985-06-15", "1", "x").born_on is not None
    assert BasicItems("a", "昭和20年頃", "1", "x").born_on is None


def _with_names(authority: CardAuthority, keys: KeyPair, names: x509.SubjectAlternativeName) -> x509.Certificate:
    """A signing certificate of the authority with these subject alternative names instead."""
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "card")]))
            .issuer_name(authority.certificate.subject).public_key(keys[0].public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(ISSUED).not_valid_after(ISSUED.replace(year=2030))
            .add_extension(key_usage(CertificateKind.SIGNING), critical=True)
            .add_extension(names, critical=False)
            .sign(authority.key, hashes.SHA256()))
