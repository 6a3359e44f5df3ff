"""An ID token verified, and the 4 basic items its provider released.

joserfc checks the signature against the provider's keys, with an asymmetric
algorithm the provider declares; authlib's ``CodeIDToken`` applies OpenID
Connect Core's rules for the claims of the code flow (§3.1.3.7): ``iss`` is
the provider, ``aud`` holds this client (and ``azp`` is this client when
there are other audiences), ``exp`` has not passed, ``iat`` is there,
``nonce`` is the login's own, and ``at_hash`` fits the access token.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import ClaimError, ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jws import JWSRegistry

from madoguchi.identity.card_profile import BasicItems
from madoguchi.identity.oidc_errors import OidcIdTokenInvalid
from madoguchi.identity.oidc_provider import Provider

LEEWAY_SECONDS = 60
"""Clock skew allowed between the provider and the city."""
NAME_SPACE = "\u3000"
GENDERS = {"male": "1", "female": "2", "1": "1", "2": "2", "9": "9", "0": "0"}
"""The ``gender`` claim as the hub's ISO 5218 code: OpenID's words, or the code itself."""
_CLAIM_PROBLEMS = {
    "iss": "it was not issued by the configured provider (iss)",
    "aud": "it is not meant for this site (aud)",
    "azp": "it was issued to another client (azp)",
    "nonce": "its nonce is not this login's: a replayed or foreign ID token",
    "at_hash": "it does not belong to the access token (at_hash)",
}


def verify_id_token(provider: Provider, id_token: str, *, client_id: str, nonce: str,
                    access_token: str | None, at: datetime) -> dict[str, Any]:
    """The ID token's claims, once its signature and claims verify at ``at``; raises OidcIdTokenInvalid
    (and OidcProviderUnavailable when the provider's keys cannot be had)."""
    registry = JWSRegistry(algorithms=list(provider.metadata().algorithms))
    try:
        try:
            token = jwt.decode(id_token, provider.keys(), registry=registry)
        except InvalidKeyIdError:  # perhaps the provider has rotated its keys since they were fetched
            token = jwt.decode(id_token, provider.keys(refresh=True), registry=registry)
    except (JoseError, ValueError):
        raise OidcIdTokenInvalid("its signature does not verify with the provider's keys") from None
    options: dict[str, Any] = {"iss": {"essential": True, "value": provider.issuer},
                               "aud": {"essential": True, "value": client_id}}
    claims = CodeIDToken(token.claims, token.header, options,
                         {"nonce": nonce, "client_id": client_id, "access_token": access_token})
    try:
        claims.validate(now=int(at.timestamp()), leeway=LEEWAY_SECONDS)
    except ExpiredTokenError:
        raise OidcIdTokenInvalid("it has expired") from None
    except ClaimError as error:
        raise OidcIdTokenInvalid(_CLAIM_PROBLEMS.get(error.claim, f"its claim {error.claim!r} is missing or wrong")
                                 ) from None
    return dict(claims)


def released_items(claims: Mapping[str, Any]) -> BasicItems | None:
    """The 4 basic items in OpenID's standard claims (``name`` or ``family_name``/``given_name``,
    ``birthdate``, ``gender``, ``address.formatted``); None unless all four are there."""
    family, given = claims.get("family_name"), claims.get("given_name")
    name = claims.get("name") or (NAME_SPACE.join((family, given))
                                  if isinstance(family, str) and isinstance(given, str) else None)
    address = claims.get("address")
    formatted = address.get("formatted") if isinstance(address, Mapping) else address
    birth, sex = claims.get("birthdate"), GENDERS.get(str(claims.get("gender")))
    if not all(isinstance(part, str) and part for part in (name, birth, sex, formatted)):
        return None
    return BasicItems(name=str(name), birth_date=str(birth), sex=str(sex), address=str(formatted))
