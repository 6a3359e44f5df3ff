from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from madoguchi.actor import Actor
from madoguchi.identity.card_links import IDENTITY_LINK, link_card, resident_for, unlink_cards
from madoguchi.identity.card_profile import BasicItems, CertificateKind
from madoguchi.identity.card_trust import CardTrust
from madoguchi.identity.card_verify import CardHolder, verify_certificate
from madoguchi.identity.errors import CardLinkConflict, CardNotLinked
from madoguchi.identity.virtual_card import VirtualCard
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.registry.errors import PersonNotFound
from madoguchi.registry.purpose import PurposeRegistry, load_purposes
from madoguchi.vault import Vault
from registry.factories import Hub, a_my_number

from .conftest import ITEMS, NOW

LOGIN = Actor.system("card-login", None)
COUNTER = Actor.staff("s-17", "市民課")


@pytest.fixture
def purposes() -> PurposeRegistry:
    return load_purposes(None)


@pytest.fixture
def hub(session: Session, vault: Vault) -> Hub:
    return Hub.start(session, vault)


def signing_holder(card: VirtualCard, trust: CardTrust) -> CardHolder:
    return verify_certificate(card.signing_certificate_der, kind=CertificateKind.SIGNING, trust=trust, at=NOW)


def auth_holder(card: VirtualCard, trust: CardTrust) -> CardHolder:
    return verify_certificate(card.auth_certificate_der, kind=CertificateKind.AUTHENTICATION, trust=trust, at=NOW)


def log_of(session: Session, atena_number: str) -> list[AccessLogEntry]:
    return list(session.scalars(select(AccessLogEntry).where(AccessLogEntry.subject == atena_number)
                                .order_by(AccessLogEntry.seq)))


def test_a_linked_authentication_certificate_finds_its_resident(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry, card: VirtualCard,
        trust: CardTrust) -> None:
    person = hub.person()
    holder = auth_holder(card, trust)
    assert resident_for(session, holder, actor=LOGIN, purposes=purposes, vault=vault) is None
    link = link_card(session, actor=COUNTER, atena_number=person.atena_number, holder=holder,
                     purposes=purposes, vault=vault)
    assert (link.kind, link.serial, link.linked_by) == ("authentication", holder.serial, "staff:s-17")
    assert resident_for(session, holder, actor=LOGIN, purposes=purposes, vault=vault) == person.atena_number
    [entry] = log_of(session, person.atena_number)
    assert (entry.purpose, entry.actor_id, list(entry.items)) == (IDENTITY_LINK, "s-17", [])


def test_a_signing_certificate_is_matched_by_its_four_basic_items_and_the_read_is_logged(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry, card: VirtualCard,
        trust: CardTrust) -> None:
    hub.person(given_name="次郎")  # same birth date, sex and address: not a candidate
    person = hub.person()
    assert resident_for(session, signing_holder(card, trust), actor=LOGIN, purposes=purposes,
                        vault=vault) == person.atena_number
    [entry] = log_of(session, person.atena_number)
    assert entry.purpose == IDENTITY_LINK and entry.actor_kind == "system"
    assert sorted(entry.items) == ["address", "birth_date", "family_name", "given_name", "sex"]


@pytest.mark.parametrize("hub_differs", [
    {"block": "1-2-4"}, {"birth_date": date(1985, 6, 16)}, {"sex": "2"}, {"family_name": "山本"},
    {"status": "2"},
])
def test_a_signing_certificate_whose_items_differ_from_the_hub_is_not_matched(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry, card: VirtualCard,
        trust: CardTrust, hub_differs: dict[str, object]) -> None:
    hub.person(**hub_differs)
    assert resident_for(session, signing_holder(card, trust), actor=LOGIN, purposes=purposes, vault=vault) is None


def test_spaces_in_the_name_and_address_do_not_matter(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry, card: VirtualCard,
        trust: CardTrust) -> None:
    person = hub.person(family_name="山田 ", block="1-2-3")
    assert ITEMS.name == "山田\u3000太郎"
    assert resident_for(session, signing_holder(card, trust), actor=LOGIN, purposes=purposes,
                        vault=vault) == person.atena_number


def test_two_residents_with_the_same_items_match_neither(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry, card: VirtualCard,
        trust: CardTrust) -> None:
    hub.person()
    hub.person()
    assert resident_for(session, signing_holder(card, trust), actor=LOGIN, purposes=purposes, vault=vault) is None


def test_a_resident_under_support_measures_is_matched_only_by_an_actor_allowed_to_see_them(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry, card: VirtualCard,
        trust: CardTrust) -> None:
    person = hub.person(support_measure=True)
    holder = signing_holder(card, trust)
    assert resident_for(session, holder, actor=LOGIN, purposes=purposes, vault=vault) is None
    allowed = Actor("system", "card-login", may_see_support_measure=True)
    assert resident_for(session, holder, actor=allowed, purposes=purposes, vault=vault) == person.atena_number


def test_a_certificate_links_to_one_resident_at_a_time(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry, card: VirtualCard,
        trust: CardTrust) -> None:
    first, second = hub.person(), hub.person(given_name="花子")
    holder = auth_holder(card, trust)
    link = link_card(session, actor=COUNTER, atena_number=first.atena_number, holder=holder,
                     purposes=purposes, vault=vault)
    again = link_card(session, actor=COUNTER, atena_number=first.atena_number, holder=holder,
                      purposes=purposes, vault=vault)
    assert again.id == link.id
    with pytest.raises(CardLinkConflict) as refused:
        link_card(session, actor=COUNTER, atena_number=second.atena_number, holder=holder,
                  purposes=purposes, vault=vault)
    assert refused.value.status == 409
    unlink_cards(session, actor=COUNTER, atena_number=first.atena_number)
    moved = link_card(session, actor=COUNTER, atena_number=second.atena_number, holder=holder,
                      purposes=purposes, vault=vault)
    assert moved.id != link.id and link.revoked_at is not None
    assert resident_for(session, holder, actor=LOGIN, purposes=purposes, vault=vault) == second.atena_number


def test_unlinking_ends_the_links_and_a_resident_without_one_is_told(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry, card: VirtualCard,
        trust: CardTrust) -> None:
    person = hub.person(birth_date=date(1990, 1, 1))  # not the signing certificate's holder
    for holder in (auth_holder(card, trust), signing_holder(card, trust)):
        link_card(session, actor=COUNTER, atena_number=person.atena_number, holder=holder,
                  purposes=purposes, vault=vault)
    assert resident_for(session, signing_holder(card, trust), actor=LOGIN, purposes=purposes,
                        vault=vault) == person.atena_number  # by its link, though its items differ
    assert len(unlink_cards(session, actor=COUNTER, atena_number=person.atena_number)) == 2
    assert resident_for(session, auth_holder(card, trust), actor=LOGIN, purposes=purposes, vault=vault) is None
    with pytest.raises(CardNotLinked):
        unlink_cards(session, actor=COUNTER, atena_number=person.atena_number)


def test_linking_to_an_unknown_resident_is_refused(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry, card: VirtualCard,
        trust: CardTrust) -> None:
    with pytest.raises(PersonNotFound):
        link_card(session, actor=COUNTER, atena_number=hub.number(), holder=auth_holder(card, trust),
                  purposes=purposes, vault=vault)


def test_the_my_number_is_never_read_for_a_card(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry, card: VirtualCard,
        trust: CardTrust) -> None:
    person = hub.person(my_number=a_my_number(7))
    resident_for(session, signing_holder(card, trust), actor=LOGIN, purposes=purposes, vault=vault)
    assert all("my_number" not in entry.items for entry in log_of(session, person.atena_number))
    assert "my_number" not in purposes.resolve(IDENTITY_LINK).readable_items


def test_an_unknown_birth_date_is_matched_by_the_registers_note(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    person = hub.person(birth_date=None, birth_date_note="昭和20年頃")
    holder = CardHolder(kind=CertificateKind.SIGNING, serial="1", issuer="CN=x", not_after=NOW,
                        basic_items=BasicItems(ITEMS.name, "昭和20年頃", ITEMS.sex, ITEMS.address))
    assert resident_for(session, holder, actor=LOGIN, purposes=purposes, vault=vault) == person.atena_number
