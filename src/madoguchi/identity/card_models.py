"""Tables of card identity: which certificate belongs to which resident, and login challenges."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from madoguchi.db.base import Base, Id, Moment

ACTIVE = text("revoked_at IS NULL")


class CardLink(Base):
    """A card certificate (issuer and serial) linked to a resident (宛名番号).

    The link is how a user-authentication certificate, which names no one,
    finds its resident at login; a signing certificate may also be linked
    (when its 4 basic items do not match the hub's text, e.g. 外字). A link
    ends (``revoked_at``) when the card is revoked or given back, never deleted;
    a certificate has at most one active link.
    """

    __tablename__ = "card_links"
    __table_args__ = (
        Index("uq_card_links_active", "issuer", "serial", unique=True,
              sqlite_where=ACTIVE, postgresql_where=ACTIVE),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    issuer: Mapped[str] = mapped_column(Text)
    """The issuing CA's name (RFC 4514)."""
    serial: Mapped[str] = mapped_column(String(64))
    """The certificate's serial number, lowercase hex."""
    atena_number: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """``signing`` (署名用) or ``authentication`` (利用者証明用)."""
    linked_at: Mapped[datetime] = mapped_column(Moment)
    linked_by: Mapped[str] = mapped_column(String(100))
    """Who made the link (actor kind and id)."""
    revoked_at: Mapped[datetime | None] = mapped_column(Moment)


class CardChallenge(Base):
    """A login challenge: answered once, before it expires.

    Kept in the database so any of the city's processes can check the answer
    to a challenge another one issued. Only the challenge's SHA-256 is stored.
    """

    __tablename__ = "card_challenges"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    issued_at: Mapped[datetime] = mapped_column(Moment)
    expires_at: Mapped[datetime] = mapped_column(Moment, index=True)
    used_at: Mapped[datetime | None] = mapped_column(Moment)
