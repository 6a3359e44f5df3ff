"""Tables of the OpenID Connect login: which provider subject is which resident, and logins in progress."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from madoguchi.db.base import Base, Moment


class OidcLink(Base):
    """A provider's subject (``iss`` and ``sub`` of its ID tokens) tied to a resident (宛名番号).

    Made when the subject's released 4 basic items matched exactly one
    resident, so later logins need no match (and survive a move the
    provider has not heard of yet).
    """

    __tablename__ = "oidc_links"

    issuer: Mapped[str] = mapped_column(String(255), primary_key=True)
    subject: Mapped[str] = mapped_column(String(255), primary_key=True)
    """At most 255 ASCII characters (OpenID Connect Core §2)."""
    atena_number: Mapped[str] = mapped_column(String(16), index=True)
    linked_at: Mapped[datetime] = mapped_column(Moment)


class OidcLogin(Base):
    """A login sent to the provider and not yet back: what its answer must match.

    Kept in the database so any of the city's processes can take the answer,
    and used up when it comes back, so an answer (and its nonce) counts once.
    The ``state`` is stored only as its SHA-256; the nonce and the PKCE
    verifier are kept as they are, for the few minutes the login may take:
    they are compared with, and sent to, the provider.
    """

    __tablename__ = "oidc_logins"

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(128))
    code_verifier: Mapped[str] = mapped_column(String(128))
    return_to: Mapped[str] = mapped_column(String(500))
    """The site's own path the resident goes to after logging in."""
    expires_at: Mapped[datetime] = mapped_column(Moment, index=True)
