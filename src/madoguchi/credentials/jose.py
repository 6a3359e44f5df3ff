"""joserfc, set up the one way certificates use it: compact JWS, ES256 (P-256) only.

The registry raises joserfc's header limit (512 bytes) so that an issuer's
``x5c`` chain fits; the whole presentation is bounded by ``sdjwt.parse``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from madoguchi.credentials.errors import PresentationMalformed

ALGORITHM = "ES256"
CURVE = "P-256"

_registry = jws.JWSRegistry(algorithms=[ALGORITHM])
_registry.max_header_length = 8192


def generate_key() -> ECKey:
    return ECKey.generate_key(CURVE)


def public_key(jwk: object) -> ECKey:
    """A P-256 public key from its JWK. Raises ValueError for anything else (a private part included)."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "EC" or jwk.get("crv") != CURVE or "d" in jwk:
        raise ValueError("not a public P-256 JWK")
    try:
        return ECKey.import_key(jwk)
    except (JoseError, ValueError, TypeError) as error:
        raise ValueError(f"not a usable P-256 JWK: {error}") from None


def sign(header: dict[str, Any], claims: dict[str, Any], key: ECKey) -> str:
    """A compact JWS of the claims, ``alg`` ES256 added to the header."""
    return jwt.encode({**header, "alg": ALGORITHM}, claims, key, registry=_registry, default_type=None)


@dataclass(frozen=True)
class Signed:
    """A compact JWS read but not yet verified: look at the header to find the key, then ``verify``."""

    header: dict[str, Any]
    claims: dict[str, Any]
    _compact: jws.CompactSignature

    def verify(self, key: ECKey) -> bool:
        try:
            return jws.validate_compact(self._compact, key, registry=_registry)
        except JoseError:
            return False


def read(token: str, what: str) -> Signed:
    """Parse a compact JWS whose payload is a JSON object; ``what`` names it in the error.

    Raises PresentationMalformed.
    """
    try:
        compact = jws.extract_compact(token.encode("ascii"), registry=_registry)
        claims = json.loads(compact.payload)
    except (JoseError, ValueError, UnicodeError):
        raise PresentationMalformed(f"the {what} is not a readable JWS") from None
    header = compact.headers()
    if not isinstance(claims, dict):
        raise PresentationMalformed(f"the {what}'s payload is not a JSON object")
    if header.get("alg") != ALGORITHM:
        raise PresentationMalformed(f"the {what} is signed with {header.get('alg')!r}; "
                                    f"only {ALGORITHM} is accepted")
    return Signed(header, claims, compact)
