from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.identity.card_links import resident_for
from madoguchi.identity.card_profile import CertificateKind
from madoguchi.identity.card_trust import trust_of
from madoguchi.identity.card_verify import verify_certificate, verify_signature
from madoguchi.identity.errors import CardCertificateRevoked, CardHolderIncomplete
from madoguchi.identity.virtual_card import (
    VirtualCard,
    issue_card_for_resident,
    load_virtual_card,
    revoke_cards_of,
    save_virtual_card,
)
from madoguchi.registry.purpose import PurposeRegistry, load_purposes
from madoguchi.vault import Vault
from registry.factories import Hub, a_my_number

from .conftest import ISSUED, NOW

OPERATOR = Actor.operator("demo")
LOGIN = Actor.system("card-login", None)


@pytest.fixture
def purposes() -> PurposeRegistry:
    return load_purposes(None)


def test_a_resident_gets_a_card_with_their_items_linked_and_without_their_my_number(
        session: Session, vault: Vault, authority: CardAuthority, purposes: PurposeRegistry) -> None:
    clock.freeze(ISSUED)
    my_number = a_my_number(42)
    person = Hub.start(session, vault).person(my_number=my_number, building="メゾン新宿101")
    card = issue_card_for_resident(session, actor=OPERATOR, authority=authority,
                                   atena_number=person.atena_number, purposes=purposes, vault=vault)
    for der in (card.signing_certificate_der, card.auth_certificate_der):
        assert my_number.encode() not in der and person.atena_number.encode() not in der
    assert my_number not in card.to_json()
    trust = trust_of(authority)
    signed = verify_signature(b"bundle", card.sign(b"bundle"), card.signing_certificate_der, trust=trust, at=NOW)
    assert signed.basic_items is not None
    assert (signed.basic_items.name, signed.basic_items.address) == ("山田\u3000太郎", "東京都新宿区新宿1-2-3\u3000メゾン新宿101")
    login = verify_certificate(card.auth_certificate_der, kind=CertificateKind.AUTHENTICATION, trust=trust, at=NOW)
    for holder in (signed, login):
        assert resident_for(session, holder, actor=LOGIN, purposes=purposes, vault=vault) == person.atena_number


def test_a_person_without_an_address_gets_no_card(
        session: Session, vault: Vault, authority: CardAuthority, purposes: PurposeRegistry) -> None:
    clock.freeze(ISSUED)
    person = Hub.start(session, vault).person(prefecture=None, city=None, town=None, block=None)
    with pytest.raises(CardHolderIncomplete) as refused:
        issue_card_for_resident(session, actor=OPERATOR, authority=authority, atena_number=person.atena_number,
                                purposes=purposes, vault=vault)
    assert refused.value.status == 409


def test_revoking_unlinks_and_puts_both_certificates_on_the_crl(
        session: Session, vault: Vault, authority: CardAuthority, purposes: PurposeRegistry) -> None:
    clock.freeze(ISSUED)
    person = Hub.start(session, vault).person()
    card = issue_card_for_resident(session, actor=OPERATOR, authority=authority,
                                   atena_number=person.atena_number, purposes=purposes, vault=vault)
    clock.freeze(NOW)
    links = revoke_cards_of(session, actor=OPERATOR, authority=authority, atena_number=person.atena_number)
    assert {link.kind for link in links} == {"signing", "authentication"}
    trust = trust_of(authority)
    with pytest.raises(CardCertificateRevoked):
        verify_certificate(card.auth_certificate_der, kind=CertificateKind.AUTHENTICATION, trust=trust, at=NOW)
    with pytest.raises(CardCertificateRevoked):
        verify_signature(b"x", card.sign(b"x"), card.signing_certificate_der, trust=trust, at=NOW)


def test_a_saved_card_is_private_and_signs_as_before(tmp_path: Path, card: VirtualCard) -> None:
    path = save_virtual_card(card, tmp_path / "cards")
    assert path == tmp_path / "cards" / f"{card.atena_number}.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_virtual_card(path)
    assert loaded.signing_certificate_der == card.signing_certificate_der
    assert loaded.sign(b"data") == card.sign(b"data")  # PKCS#1 v1.5 is deterministic
    assert loaded.authenticate(b"nonce") == card.authenticate(b"nonce")


def test_a_card_file_name_cannot_leave_its_folder(tmp_path: Path, card: VirtualCard) -> None:
    with pytest.raises(ValueError):
        save_virtual_card(replace(card, atena_number="../keys"), tmp_path)
