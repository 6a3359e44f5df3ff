"""The issuer's side: sign a certificate as an SD-JWT VC, revoke it, publish the status list.

A hospital, a school or an employer holds a P-256 key; each credential gets
the next index of the issuer's status list, and the issuer publishes that list
(signed with the same key) at ``status_uri`` for verifiers to fetch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from joserfc.jwk import ECKey

from madoguchi import clock
from madoguchi.credentials import jose, sdjwt
from madoguchi.credentials.errors import CredentialClaimsInvalid
from madoguchi.credentials.kinds import KindRegistry, kinds
from madoguchi.credentials.status import INVALID, StatusList, StatusReference

CREDENTIAL_TYPE = "dc+sd-jwt"
STATUS_LIST_TYPE = "statuslist+jwt"
STATUS_LIST_SIZE = 1 << 17
"""131 072 credentials per list; 16 KiB raw, a few hundred bytes compressed while mostly valid."""
STATUS_LIST_LIFETIME = timedelta(days=1)
"""A published list's ``exp``: a verifier never relies on a copy older than this."""


@dataclass
class Issuer:
    """Someone who signs certificates, with the state of its status list."""

    iss: str
    """The issuer's identifier (a URI), the ``iss`` of its credentials."""
    key: ECKey
    status_uri: str
    statuses: StatusList = field(default_factory=lambda: StatusList(STATUS_LIST_SIZE))
    issued: int = 0
    """Indices of the status list handed out so far."""
    x5c: tuple[str, ...] = ()
    """The certificate chain of ``key`` (base64 DER, leaf first), when the issuer is trusted by X.509."""

    @property
    def kid(self) -> str:
        """The key's RFC 7638 thumbprint."""
        return self.key.thumbprint()

    def public_jwks(self) -> dict[str, Any]:
        """What the city's trust registry holds for this issuer."""
        return {"keys": [{**self.key.as_dict(private=False), "kid": self.kid, "use": "sig",
                          "alg": jose.ALGORITHM}]}

    def header(self, typ: str) -> dict[str, Any]:
        return {"typ": typ, "kid": self.kid, **({"x5c": list(self.x5c)} if self.x5c else {})}

    def allocate(self) -> StatusReference:
        if self.issued >= self.statuses.size:
            raise RuntimeError(f"the status list at {self.status_uri} is full; start a new list")
        self.issued += 1
        return StatusReference(self.status_uri, self.issued - 1)

    def revoke(self, index: int, status: int = INVALID) -> None:
        """Mark a credential revoked (or suspended); verifiers see it once they fetch the list again."""
        if not 0 <= index < self.issued:
            raise IndexError(f"no credential was issued with index {index}")
        self.statuses[index] = status


def issue_credential(issuer: Issuer, *, kind: str, claims: Mapping[str, object],
                     holder_jwk: Mapping[str, Any], valid_from: datetime,
                     valid_until: datetime | None, registry: KindRegistry = kinds) -> str:
    """The SD-JWT VC (``<JWT>~<disclosure>~…~``) of a certificate bound to the holder's public key.

    Every claim is a disclosure; ``iss``, ``iat``, ``nbf``, ``exp``, ``vct``,
    ``cnf`` and ``status`` are always visible. Raises CredentialKindUnknown,
    CredentialClaimsInvalid.
    """
    credential_kind = registry[kind]
    values = credential_kind.claims_to_issue(claims)
    try:
        holder = jose.public_key(holder_jwk)
    except ValueError as error:
        raise CredentialClaimsInvalid(f"the holder's key: {error}") from None
    if valid_until is not None and valid_until <= valid_from:
        raise CredentialClaimsInvalid("valid_until is not after valid_from")
    disclosures = [sdjwt.make_disclosure(name, value) for name, value in values.items()]
    payload: dict[str, Any] = {
        "iss": issuer.iss,
        "iat": int(clock.now().timestamp()),
        "nbf": int(valid_from.timestamp()),
        **({"exp": int(valid_until.timestamp())} if valid_until is not None else {}),
        "vct": credential_kind.vct,
        "cnf": {"jwk": holder.as_dict(private=False)},
        "status": issuer.allocate().to_claim(),
        "_sd": sorted(d.digest for d in disclosures),
        "_sd_alg": sdjwt.SD_ALG,
    }
    signed = jose.sign(issuer.header(CREDENTIAL_TYPE), payload, issuer.key)
    return sdjwt.serialize(signed, [d.encoded for d in disclosures])


def publish_status_list(issuer: Issuer, *, ttl: timedelta = timedelta(minutes=5)) -> str:
    """The signed status list token served at ``issuer.status_uri``; ``ttl`` tells verifiers how long to cache it."""
    now = int(clock.now().timestamp())
    claims = {"sub": issuer.status_uri, "iat": now,
              "exp": now + int(STATUS_LIST_LIFETIME.total_seconds()),
              "ttl": int(ttl.total_seconds()), "status_list": issuer.statuses.to_claim()}
    return jose.sign(issuer.header(STATUS_LIST_TYPE), claims, issuer.key)
