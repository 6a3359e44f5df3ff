"""The city's trust registry: which issuer may issue which kind of certificate, with which keys.

An issuer is trusted by its public keys (a JWKS; the credential's ``kid``
picks one) or by an X.509 chain (``x5c`` in the credential's header) to one of
the roots configured for it. The registry is city configuration
(``catalog/trusted-issuers.yaml``, read by ``trust_file``); the status lists
issuers publish are fetched and cached by ``StatusListCache``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from joserfc.jwk import ECKey

from madoguchi import clock
from madoguchi.catalog.models import Text
from madoguchi.credentials import jose
from madoguchi.credentials.errors import (
    CredentialIssuerUnknown,
    CredentialSignatureInvalid,
    CredentialStatusUnavailable,
    IssuerCertificateInvalid,
    IssuerNotTrustedForKind,
    PresentationMalformed,
)
from madoguchi.credentials.issuer import STATUS_LIST_TYPE
from madoguchi.credentials.status import StatusList, StatusListMalformed, StatusReference
from madoguchi.credentials.status_cache import Reader, ReadList, StatusListCache
from madoguchi.credentials.x5c import verify_chain


@dataclass(frozen=True)
class TrustedIssuer:
    id: str
    """The city's name for the issuer (``kitami-mirai-hospital``)."""
    iss: str
    """What its credentials carry as ``iss``."""
    name: Text
    kinds: frozenset[str]
    keys: Mapping[str, ECKey]
    """Public keys by ``kid`` (empty when trusted by X.509)."""
    roots: tuple[x509.Certificate, ...] = ()
    """X.509 roots its ``x5c`` chain must lead to (empty when trusted by keys)."""

    def check_kind(self, kind: str) -> None:
        """Raises IssuerNotTrustedForKind."""
        if kind not in self.kinds:
            allowed = ", ".join(sorted(self.kinds))
            raise IssuerNotTrustedForKind(
                f"{self.name.ja} ({self.id}) is trusted for {allowed} only, not for a {kind}; "
                "ask for the certificate from an issuer who may issue it")

    def verify(self, signed: jose.Signed, at: datetime) -> None:
        """Check the issuer signed it. Raises CredentialSignatureInvalid, IssuerCertificateInvalid."""
        if not signed.verify(self._key(signed.header, at)):
            raise CredentialSignatureInvalid(
                f"the signature does not verify with the key of {self.name.ja} ({self.id}): "
                "the certificate was altered or not signed by this issuer")

    def _key(self, header: Mapping[str, object], at: datetime) -> ECKey:
        if self.roots:
            if "x5c" not in header:
                raise IssuerCertificateInvalid(
                    f"{self.id} is trusted by its X.509 certificate, but the credential carries no x5c chain")
            return verify_chain(header["x5c"], self.roots, iss=self.iss, at=at)
        kid = header.get("kid")
        key = self.keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise CredentialSignatureInvalid(
                f"signed with a key (kid) the trust registry does not hold for {self.id}; "
                "if the issuer changed its key, the city must add the new one")
        return key


class TrustRegistry:
    """Trusted issuers by ``iss``, and the status lists they publish."""

    def __init__(self, issuers: Iterable[TrustedIssuer], status_lists: StatusListCache) -> None:
        self._issuers = {i.iss: i for i in issuers}
        self._status_lists = status_lists

    def issuer(self, iss: object) -> TrustedIssuer:
        """Raises CredentialIssuerUnknown."""
        issuer = self._issuers.get(iss) if isinstance(iss, str) else None
        if issuer is None:
            raise CredentialIssuerUnknown(
                f"the issuer {iss!r} is not in the city's trust registry; a hospital, school or "
                "employer becomes an issuer as docs/credentials.md describes")
        return issuer

    def status(self, issuer: TrustedIssuer, reference: StatusReference) -> int:
        """The credential's status (0 valid) from the issuer's list. Raises CredentialStatusUnavailable."""
        statuses = self._status_lists.get(reference.uri, _status_reader(issuer, reference.uri),
                                          issuer=issuer.iss)
        try:
            return statuses[reference.index]
        except IndexError:
            raise CredentialStatusUnavailable(
                "the certificate's index is outside its issuer's status list: "
                "unverifiable — the issuer must correct its list") from None


def _status_reader(issuer: TrustedIssuer, uri: str) -> Reader:
    """Checks a fetched status list token: signed by the issuer, ``sub`` its URI, not expired."""

    def read(token: str) -> ReadList:
        now = clock.now()
        try:
            signed = jose.read(token, "status list")
            issuer.verify(signed, now)
        except (PresentationMalformed, CredentialSignatureInvalid, IssuerCertificateInvalid) as error:
            raise StatusListMalformed(error.detail) from None
        claims = signed.claims
        if signed.header.get("typ") != STATUS_LIST_TYPE:
            raise StatusListMalformed(f"the status list's typ is not {STATUS_LIST_TYPE}")
        if claims.get("sub") != uri:
            raise StatusListMalformed("the status list was published for another URI (sub)")
        exp, ttl = claims.get("exp"), claims.get("ttl")
        if exp is not None and (not isinstance(exp, int) or exp <= now.timestamp()):
            raise StatusListMalformed("the status list has expired")
        if ttl is not None and (not isinstance(ttl, int) or ttl <= 0):
            raise StatusListMalformed("the status list's ttl is not a positive number of seconds")
        return ReadList(StatusList.from_claim(claims.get("status_list")),
                        timedelta(seconds=ttl) if ttl is not None else None,
                        datetime.fromtimestamp(exp, clock.TOKYO) if exp is not None else None)

    return read
