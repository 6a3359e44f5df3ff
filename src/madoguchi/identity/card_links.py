"""Which resident a card certificate belongs to.

A certificate finds its resident by a stored link (issuer and serial → 宛名番号),
made at the counter or when a virtual card is issued; a signing certificate,
which carries its holder's 基本4情報, may also be matched against the hub.
Matching reads the hub through the data API under the purpose
``identity-link``, so every candidate read lands in that resident's access
log. It succeeds only when exactly one current resident has all four items
as the certificate writes them (spaces aside): a certificate whose text
differs from the register's (外字 written with a substitute, an address not
yet updated) is not matched, and the resident links it at the counter.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.identity.card_models import CardLink
from madoguchi.identity.card_profile import BasicItems
from madoguchi.identity.card_queries import (
    active_link,
    active_links_of,
    compact,
    holder_candidates,
    linked_resident,
)
from madoguchi.identity.card_verify import CardHolder
from madoguchi.identity.errors import CardHolderIncomplete, CardLinkConflict, CardNotLinked
from madoguchi.registry.errors import PersonNotFound
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.registry.schemas import PersonView
from madoguchi.registry.service import view_person
from madoguchi.vault import Vault

IDENTITY_LINK = "identity-link"
"""The purpose of reading the hub to tie a card to its resident."""
BASIC_ITEMS = ("family_name", "given_name", "birth_date", "sex", "address")
"""The hub's items that make the 4 basic items."""
ADDRESS_PARTS = ("prefecture", "city", "town", "block")


def resident_for(session: Session, holder: CardHolder, *, actor: Actor, purposes: PurposeRegistry,
                 vault: Vault) -> str | None:
    """The 宛名番号 of the certificate's resident: by its link, or by its basic items; None if neither.

    ``actor`` is the system doing the login or the signature check. A resident
    it may not see (支援措置) is not matched by items: they use a linked card.
    """
    linked = linked_resident(session, issuer=holder.issuer, serial=holder.serial)
    if linked is not None:
        return linked
    if holder.basic_items is None:
        return None
    return resident_by_basic_items(session, holder.basic_items, actor=actor, purposes=purposes, vault=vault)


def resident_by_basic_items(session: Session, items: BasicItems, *, actor: Actor, purposes: PurposeRegistry,
                            vault: Vault) -> str | None:
    """The 宛名番号 of the one current resident whose 4 basic items are these (spaces aside); None otherwise.

    Each candidate is read under ``identity-link`` (logged). The card's signing
    certificate and an OpenID provider that releases the items both match here.
    """
    matches: list[str] = []
    for candidate in holder_candidates(session, items):
        try:
            held = basic_items_of(session, actor=actor, atena_number=candidate, purposes=purposes, vault=vault)
        except (PersonNotFound, CardHolderIncomplete):  # not visible to this actor, or not all items
            continue
        if _same(held, items):
            matches.append(candidate)
    return matches[0] if len(matches) == 1 else None


def basic_items_of(session: Session, *, actor: Actor, atena_number: str, purposes: PurposeRegistry,
                   vault: Vault) -> BasicItems:
    """The resident's 4 basic items as the hub holds them (a logged ``identity-link`` read).

    Raises PersonNotFound, CardHolderIncomplete (and the data API's purpose errors).
    """
    view = view_person(session, actor=actor, atena_number=atena_number, purpose=IDENTITY_LINK,
                       purposes=purposes, vault=vault, items=BASIC_ITEMS)
    return _basic_items(view)


def link_card(session: Session, *, actor: Actor, atena_number: str, holder: CardHolder,
              purposes: PurposeRegistry, vault: Vault) -> CardLink:
    """Link a verified certificate to a resident (the same link again is a no-op).

    The resident is looked up through the data API (logged, no item read).
    Raises PersonNotFound, CardLinkConflict.
    """
    view_person(session, actor=actor, atena_number=atena_number, purpose=IDENTITY_LINK,
                purposes=purposes, vault=vault, items=())
    return add_link(session, actor=actor, atena_number=atena_number, holder=holder)


def add_link(session: Session, *, actor: Actor, atena_number: str, holder: CardHolder) -> CardLink:
    """Store the link of a resident the caller has already found in the hub; raises CardLinkConflict."""
    existing = active_link(session, issuer=holder.issuer, serial=holder.serial)
    if existing is not None:
        if existing.atena_number != atena_number:
            raise CardLinkConflict("the certificate is already linked to another resident; unlink it first")
        return existing
    link = CardLink(issuer=holder.issuer, serial=holder.serial, atena_number=atena_number,
                    kind=holder.kind.value, linked_at=clock.now(), linked_by=f"{actor.kind}:{actor.id}")
    try:
        with session.begin_nested():
            session.add(link)
    except IntegrityError as exc:  # another request linked it between our look and our insert
        raise CardLinkConflict("the certificate was linked by another request just now; try again") from exc
    return link


def unlink_cards(session: Session, *, actor: Actor, atena_number: str) -> list[CardLink]:
    """End every active link of the resident's certificates; raises CardNotLinked when there is none."""
    links = active_links_of(session, atena_number)
    if not links:
        raise CardNotLinked("no card certificate is linked to that 宛名番号")
    now = clock.now()
    for link in links:
        link.revoked_at = now
    session.flush()
    return links


def _basic_items(view: PersonView) -> BasicItems:
    values = {name: item.value for name, item in view.items.items()}
    birth = values.get("birth_date")
    address = values.get("address")
    born = birth.get("date") or birth.get("note") if isinstance(birth, dict) else None
    parts = [address.get(p) for p in ADDRESS_PARTS] if isinstance(address, dict) else []
    building = address.get("building") if isinstance(address, dict) else None
    family, given, sex = values.get("family_name"), values.get("given_name"), values.get("sex")
    if not (isinstance(family, str) and isinstance(given, str) and isinstance(born, str)
            and isinstance(sex, str) and parts and all(isinstance(p, str) and p for p in parts)):
        raise CardHolderIncomplete("the hub lacks one of the 4 basic items (name, birth date, sex, address)")
    street = "".join(str(p) for p in parts)
    return BasicItems(name=f"{family}\u3000{given}", birth_date=born, sex=sex,
                      address=f"{street}\u3000{building}" if isinstance(building, str) and building else street)


def _same(hub: BasicItems, certificate: BasicItems) -> bool:
    return (compact(hub.name) == compact(certificate.name) and hub.birth_date == certificate.birth_date
            and hub.sex == certificate.sex and compact(hub.address) == compact(certificate.address))
