"""The city's side: verify a presentation of a certificate, and check whom it is about.

``verify_presentation`` checks, in this order: the format and size; the
issuer is in the trust registry and signed it; ``vct`` is the kind asked for
and the issuer is trusted for that kind; the validity period; every
disclosure was signed (its digest is in ``_sd``, none twice); the key binding
(signed by the ``cnf`` key, ``sd_hash`` over the presentation, fresh) with the
verifier's nonce and audience; last, the status in the issuer's list (the only
step that may go to the network). The first failure is raised, each its own
``AppError`` (``madoguchi.credentials.errors``). Time comparisons are written
here rather than left to joserfc's claims registry so each ends in its own error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import jaconv

from madoguchi import clock
from madoguchi.catalog.models import Text
from madoguchi.credentials import jose, sdjwt
from madoguchi.credentials.errors import (
    CredentialExpired,
    CredentialKindMismatch,
    CredentialNotYetValid,
    CredentialRevoked,
    DisclosureInvalid,
    KeyBindingInvalid,
    KeyBindingMissing,
    PresentationAudienceMismatch,
    PresentationMalformed,
    PresentationNonceMismatch,
    SubjectMismatch,
    SubjectNotDisclosed,
)
from madoguchi.credentials.issuer import CREDENTIAL_TYPE
from madoguchi.credentials.kinds import CredentialKind, KindRegistry, kinds
from madoguchi.credentials.presentation import KEY_BINDING_TYPE
from madoguchi.credentials.status import SUSPENDED, VALID, StatusListMalformed, StatusReference
from madoguchi.credentials.trust import TrustedIssuer, TrustRegistry

CLOCK_SKEW = timedelta(minutes=1)
"""Tolerance between the issuer's, the wallet's and the city's clocks."""
KEY_BINDING_MAX_AGE = timedelta(minutes=5)
"""A key binding older than this is refused: a presentation answers one request, now."""


@dataclass(frozen=True)
class IssuerRef:
    id: str
    iss: str
    name: Text


@dataclass(frozen=True)
class VerifiedCredential:
    """What a verified presentation shows: only the disclosed claims, as JSON values."""

    kind: str
    claims: Mapping[str, Any]
    issuer: IssuerRef
    issued_at: datetime
    valid_until: datetime | None
    verified_at: datetime


def verify_presentation(presentation: str, *, kind: str, nonce: str, audience: str,
                        trust: TrustRegistry, at: datetime,
                        registry: KindRegistry = kinds) -> VerifiedCredential:
    """The presentation's disclosed claims once every check holds (see the module's docstring).

    Raises CredentialKindUnknown, PresentationTooLarge, PresentationMalformed,
    CredentialIssuerUnknown, CredentialSignatureInvalid, IssuerCertificateInvalid,
    CredentialKindMismatch, IssuerNotTrustedForKind, CredentialExpired,
    CredentialNotYetValid, DisclosureInvalid, KeyBindingMissing, KeyBindingInvalid,
    PresentationNonceMismatch, PresentationAudienceMismatch, CredentialRevoked,
    CredentialStatusUnavailable.
    """
    credential_kind = registry[kind]
    parts = sdjwt.parse(presentation)
    signed = jose.read(parts.issuer_jwt, "certificate")
    if signed.header.get("typ") != CREDENTIAL_TYPE:
        raise PresentationMalformed(f"the certificate's typ is not {CREDENTIAL_TYPE}")
    claims = signed.claims
    issuer = trust.issuer(claims.get("iss"))
    issuer.verify(signed, at)
    if claims.get("vct") != credential_kind.vct:
        raise CredentialKindMismatch(f"this is not a {kind} (its vct is {claims.get('vct')!r}); "
                                     "present the certificate the procedure asks for")
    issuer.check_kind(kind)
    issued_at, valid_until = _check_validity(claims, at)
    disclosed = _disclosed(claims, parts.disclosures, credential_kind)
    _check_key_binding(parts, claims, nonce=nonce, audience=audience, at=at)
    _check_status(trust, issuer, claims)
    return VerifiedCredential(kind, disclosed, IssuerRef(issuer.id, issuer.iss, issuer.name),
                              issued_at, valid_until, at)


def _time(claims: Mapping[str, Any], name: str) -> datetime | None:
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise PresentationMalformed(f"{name} is not a NumericDate")
    return datetime.fromtimestamp(value, clock.TOKYO)


def _check_validity(claims: Mapping[str, Any], at: datetime) -> tuple[datetime, datetime | None]:
    issued_at, not_before, expires = _time(claims, "iat"), _time(claims, "nbf"), _time(claims, "exp")
    if issued_at is None:
        raise PresentationMalformed("the certificate has no iat")
    starts = max(issued_at, not_before or issued_at)
    if at + CLOCK_SKEW < starts:
        raise CredentialNotYetValid(f"the certificate is valid from {starts:%Y-%m-%d %H:%M}; "
                                    "present it then, or ask the issuer for one valid now")
    if expires is not None and at >= expires + CLOCK_SKEW:
        raise CredentialExpired(f"the certificate expired on {expires:%Y-%m-%d %H:%M}; "
                                "ask the issuer for a new one")
    return issued_at, expires


def _disclosed(claims: Mapping[str, Any], encoded: tuple[str, ...],
               kind: CredentialKind) -> dict[str, Any]:
    """The disclosed claims, each one's digest checked against ``_sd`` before its content is read."""
    digests = claims.get("_sd", [])
    if claims.get("_sd_alg", sdjwt.SD_ALG) != sdjwt.SD_ALG:
        raise PresentationMalformed(f"only _sd_alg {sdjwt.SD_ALG} is accepted")
    if not isinstance(digests, list) or not all(isinstance(d, str) for d in digests) \
            or len(set(digests)) != len(digests):
        raise PresentationMalformed("_sd is not a list of distinct digests")
    signed, seen = set(digests), set()
    disclosed: dict[str, Any] = {}
    for text in encoded:
        digest = sdjwt.digest(text)
        if digest in seen:
            raise DisclosureInvalid("a claim is disclosed twice; send each disclosure once")
        seen.add(digest)
        if digest not in signed:
            raise DisclosureInvalid("a disclosed claim matches no digest the issuer signed: "
                                    "it was altered or added after issuance")
        disclosure = sdjwt.parse_disclosure(text)
        if disclosure.name in disclosed or disclosure.name in claims:
            raise PresentationMalformed(f"the claim {disclosure.name!r} is given twice")
        disclosed[disclosure.name] = kind.disclosed_value(disclosure.name, disclosure.value)
    return disclosed


def _check_key_binding(parts: sdjwt.SdJwt, claims: Mapping[str, Any], *, nonce: str,
                       audience: str, at: datetime) -> None:
    if parts.key_binding is None:
        raise KeyBindingMissing("the presentation has no key-binding JWT: the wallet must sign it "
                                "with the holder's key for this request")
    cnf = claims.get("cnf")
    try:
        holder = jose.public_key(cnf.get("jwk") if isinstance(cnf, dict) else None)
    except ValueError:
        raise PresentationMalformed("the certificate names no holder key (cnf.jwk)") from None
    try:
        binding = jose.read(parts.key_binding, "key-binding JWT")
    except PresentationMalformed as error:
        raise KeyBindingInvalid(error.detail) from None
    if binding.header.get("typ") != KEY_BINDING_TYPE:
        raise KeyBindingInvalid(f"the key-binding JWT's typ is not {KEY_BINDING_TYPE}")
    if not binding.verify(holder):
        raise KeyBindingInvalid("the key binding is not signed by the key the certificate is bound "
                                "to: the presentation does not come from the certificate's holder")
    if binding.claims.get("sd_hash") != sdjwt.digest(parts.bound_part):
        raise KeyBindingInvalid("the key binding covers another presentation "
                                "(disclosures were added or removed after it was signed)")
    if binding.claims.get("nonce") != nonce:
        raise PresentationNonceMismatch("the presentation answers another request (its nonce differs): "
                                        "start again so the wallet answers this one")
    if binding.claims.get("aud") != audience:
        raise PresentationAudienceMismatch("the presentation was made for another verifier (aud)")
    made_at = _time(binding.claims, "iat")
    if made_at is None or not at - KEY_BINDING_MAX_AGE <= made_at <= at + CLOCK_SKEW:
        raise KeyBindingInvalid("the key binding is not from the last few minutes: "
                                "have the wallet present the certificate again")


def _check_status(trust: TrustRegistry, issuer: TrustedIssuer, claims: Mapping[str, Any]) -> None:
    try:
        reference = StatusReference.from_claim(claims.get("status"))
    except StatusListMalformed as error:
        raise PresentationMalformed(f"the certificate's status reference: {error}") from None
    status = trust.status(issuer, reference)
    if status != VALID:
        state = "suspended" if status == SUSPENDED else "revoked"
        raise CredentialRevoked(f"{issuer.name.ja} ({issuer.id}) has {state} this certificate; "
                                "ask the issuer why, or for a new one")


_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")


def _normal_name(name: str) -> str:
    """A name for comparison: width folded (NFKC), katakana as hiragana, no spaces, no IVS selectors."""
    folded = unicodedata.normalize("NFKC", _VARIATION_SELECTORS.sub("", name))
    return jaconv.kata2hira("".join(folded.split()))


def check_names_subject(verified: VerifiedCredential, *, name: str, birth_date: date | None,
                        registry: KindRegistry = kinds) -> None:
    """Check the certificate is about the application's subject: same name, same birth date.

    ``birth_date`` is given exactly when the kind carries one (a birth
    certificate names only the mother). Variant kanji (髙/高) are not folded:
    they count as another name. Raises SubjectNotDisclosed, SubjectMismatch.
    """
    kind = registry[verified.kind]
    if (kind.subject_birth_date is None) != (birth_date is None):
        raise ValueError(f"a {kind.id} {'has no' if birth_date else 'has a'} birth date of its subject")
    if _normal_name(str(_shown(verified, kind.subject_name))) != _normal_name(name):
        raise SubjectMismatch(f"the certificate's {kind.subject_name} is not the name of the "
                              "application's subject: it is about someone else")
    if kind.subject_birth_date is not None and birth_date is not None \
            and _shown(verified, kind.subject_birth_date) != birth_date.isoformat():
        raise SubjectMismatch(f"the certificate's {kind.subject_birth_date} is not the birth date of "
                              "the application's subject: it is about someone else")


def _shown(verified: VerifiedCredential, claim: str) -> Any:
    """Raises SubjectNotDisclosed."""
    if claim not in verified.claims:
        raise SubjectNotDisclosed(f"disclose {claim} so the city can see whom the certificate is about")
    return verified.claims[claim]
