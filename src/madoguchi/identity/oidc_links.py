"""Which resident an OpenID provider's subject is.

By a stored link (``oidc_links``), or else by the 4 basic items the provider
released, matched against the hub exactly as a card's signing certificate is
(``card_links.resident_by_basic_items``: one current resident, every item
equal, each candidate read under ``identity-link`` and logged). A match is
stored as a link, so the next login needs none.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.identity.card_links import resident_by_basic_items
from madoguchi.identity.oidc import VerifiedLogin
from madoguchi.identity.oidc_errors import OidcNotLinked
from madoguchi.identity.oidc_models import OidcLink
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.vault import Vault

LOGIN_SYSTEM = Actor("system", "oidc-login", may_see_support_measure=True)
"""Who matches the released items against the hub: it compares and shows nothing, so it may see
a resident under 支援措置, who can then log in too."""


def resident_for_login(session: Session, login: VerifiedLogin, *, purposes: PurposeRegistry,
                       vault: Vault) -> str:
    """The 宛名番号 of the login's resident; raises OidcNotLinked."""
    link = session.get(OidcLink, (login.issuer, login.subject))
    if link is not None:
        return link.atena_number
    atena_number = (resident_by_basic_items(session, login.basic_items, actor=LOGIN_SYSTEM, purposes=purposes,
                                            vault=vault) if login.basic_items is not None else None)
    if atena_number is None:
        raise OidcNotLinked("the provider's account is linked to no resident, and its basic items "
                            "match no single resident of the city")
    return _link(session, issuer=login.issuer, subject=login.subject, atena_number=atena_number).atena_number


def _link(session: Session, *, issuer: str, subject: str, atena_number: str) -> OidcLink:
    link = OidcLink(issuer=issuer, subject=subject, atena_number=atena_number, linked_at=clock.now())
    try:
        with session.begin_nested():
            session.add(link)
    except IntegrityError:  # a second login of the same subject linked it between our look and our insert
        raced = session.get(OidcLink, (issuer, subject), populate_existing=True)
        if raced is None:
            raise
        return raced
    return link
