"""SD-JWT's own mechanics (RFC 9901): disclosures, their digests, the ``~`` serialization.

joserfc signs and verifies the JWTs; what is written here is only what no
maintained library gives without bringing a second JOSE library: a claim is
disclosed as ``base64url(JSON [salt, name, value])``, the issuer signs only its
digest (``base64url(SHA-256(disclosure))`` in the payload's ``_sd`` array), and
a presentation is ``<issuer JWT>~<disclosure>~…~<key-binding JWT or nothing>``.
Only object properties at the top level are made selectively disclosable:
every claim of every kind is a flat value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from madoguchi.credentials.errors import PresentationMalformed, PresentationTooLarge

SD_ALG = "sha-256"
MAX_PRESENTATION_CHARS = 32_768
"""Far above a real certificate (a few kB with an ``x5c`` chain); refuses a flood before parsing."""
RESERVED_NAMES = frozenset({"_sd", "_sd_alg", "..."})


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def b64url_decode(text: str) -> bytes:
    """Raises ValueError on anything but unpadded base64url."""
    if "=" in text or "+" in text or "/" in text:
        raise ValueError("not unpadded base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:
        raise ValueError(str(error)) from None


def digest(text: str) -> str:
    """The SD-JWT digest (``sha-256``) of a disclosure or of a presentation (``sd_hash``)."""
    return b64url(hashlib.sha256(text.encode("ascii")).digest())


@dataclass(frozen=True)
class Disclosure:
    encoded: str
    name: str
    value: Any

    @property
    def digest(self) -> str:
        return digest(self.encoded)


def make_disclosure(name: str, value: Any) -> Disclosure:
    """A disclosure with a fresh 128-bit salt, so its digest reveals nothing about the value."""
    document = [b64url(secrets.token_bytes(16)), name, value]
    encoded = b64url(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return Disclosure(encoded, name, value)


def parse_disclosure(encoded: str) -> Disclosure:
    """Raises PresentationMalformed unless it is ``[salt, name, value]`` with a name a claim may have."""
    try:
        document = json.loads(b64url_decode(encoded))
    except ValueError:
        raise PresentationMalformed("a disclosure is not base64url-encoded JSON") from None
    if (not isinstance(document, list) or len(document) != 3
            or not isinstance(document[0], str) or not isinstance(document[1], str)):
        raise PresentationMalformed("a disclosure is not [salt, claim name, value]")
    if document[1] in RESERVED_NAMES:
        raise PresentationMalformed(f"a disclosure uses the reserved name {document[1]!r}")
    return Disclosure(encoded, document[1], document[2])


@dataclass(frozen=True)
class SdJwt:
    """A presentation taken apart: the issuer's JWT, the disclosures, the key-binding JWT."""

    issuer_jwt: str
    disclosures: tuple[str, ...]
    key_binding: str | None

    @property
    def bound_part(self) -> str:
        """What the key-binding JWT's ``sd_hash`` covers: everything up to and including the last ``~``."""
        return serialize(self.issuer_jwt, self.disclosures)


def serialize(issuer_jwt: str, disclosures: tuple[str, ...] | list[str], key_binding: str = "") -> str:
    return "~".join((issuer_jwt, *disclosures, key_binding))


def parse(text: str) -> SdJwt:
    """Raises PresentationTooLarge, PresentationMalformed."""
    if len(text) > MAX_PRESENTATION_CHARS:
        raise PresentationTooLarge(f"a presentation is at most {MAX_PRESENTATION_CHARS} characters; "
                                   f"this one has {len(text)}")
    if not text.isascii():
        raise PresentationMalformed("a presentation is ASCII (base64url parts separated by ~)")
    parts = text.strip().split("~")
    if len(parts) < 2:
        raise PresentationMalformed("not an SD-JWT: expected <issuer JWT>~<disclosures>~<key binding>")
    issuer_jwt, *disclosures, key_binding = parts
    if not issuer_jwt or "" in disclosures:
        raise PresentationMalformed("an SD-JWT has an empty part between two ~")
    return SdJwt(issuer_jwt, tuple(disclosures), key_binding or None)
