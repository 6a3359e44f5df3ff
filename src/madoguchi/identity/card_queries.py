"""All SQL of card identity: the links, and the hub's candidates for a signing certificate's holder."""

from __future__ import annotations

from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.orm import Session

from madoguchi.identity.card_models import CardLink
from madoguchi.identity.card_profile import BasicItems
from madoguchi.registry.models import JukiRecord
from madoguchi.registry.queries import RESIDENT

SPACES = (" ", "\u3000")
"""What a name is compared without: the space, ASCII or full-width, between 氏 and 名."""


def compact(text: str) -> str:
    for space in SPACES:
        text = text.replace(space, "")
    return text


_LINKED_RESIDENT = select(CardLink.atena_number).where(
    CardLink.issuer == bindparam("issuer"), CardLink.serial == bindparam("serial"), CardLink.revoked_at.is_(None))
"""Built once: every signed bundle and card login asks it, and building it cost more than sending it."""


def linked_resident(session: Session, *, issuer: str, serial: str) -> str | None:
    """The 宛名番号 the certificate is linked to, if an active link exists."""
    return session.execute(_LINKED_RESIDENT, {"issuer": issuer, "serial": serial}).scalar()


def active_link(session: Session, *, issuer: str, serial: str) -> CardLink | None:
    return session.scalars(select(CardLink).where(
        CardLink.issuer == issuer, CardLink.serial == serial, CardLink.revoked_at.is_(None))).first()


def active_links_of(session: Session, atena_number: str) -> list[CardLink]:
    return list(session.scalars(select(CardLink).where(
        CardLink.atena_number == atena_number, CardLink.revoked_at.is_(None)).order_by(CardLink.id)))


def holder_candidates(session: Session, items: BasicItems) -> list[str]:
    """The 宛名番号 of current residents with the certificate's name, birth date and sex.

    Only numbers come back: each candidate is then read (and logged) through
    the data API, which compares every item, the address included.
    """
    name: ColumnElement[str] = JukiRecord.family_name + JukiRecord.given_name
    for space in SPACES:
        name = func.replace(name, space, "")
    born_on = items.born_on
    birth = (JukiRecord.birth_date == born_on if born_on is not None
             else JukiRecord.birth_date.is_(None) & (JukiRecord.birth_date_note == items.birth_date))
    return list(session.scalars(select(JukiRecord.atena_number).where(
        JukiRecord.valid_to.is_(None), JukiRecord.status == RESIDENT, JukiRecord.sex == items.sex,
        birth, name == compact(items.name)).order_by(JukiRecord.atena_number)))
