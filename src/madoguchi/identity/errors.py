"""What can go wrong with a My Number card's certificate, signature or login.

A detail says what failed, never whose card it was: no name, no 宛名番号, no
serial of a resident's certificate, and never a My Number.
"""

from __future__ import annotations

from madoguchi.errors import AppError

_CARD_AUTH = {"WWW-Authenticate": 'JPKI realm="madoguchi"'}


class CardCertificateInvalid(AppError):
    """Not a certificate this service can use: unreadable, not RSA, a CA's, or without its items."""

    status = 422
    type = "card-certificate-invalid"
    title = "Not a usable card certificate"


class CardCertificateUntrusted(AppError):
    status = 403
    type = "card-certificate-untrusted"
    title = "The card certificate is not from a trusted authority"


class CardCertificateExpired(AppError):
    status = 403
    type = "card-certificate-expired"
    title = "The card certificate has expired"


class CardCertificateNotYetValid(AppError):
    status = 403
    type = "card-certificate-not-yet-valid"
    title = "The card certificate is not valid yet"


class CardCertificateRevoked(AppError):
    status = 403
    type = "card-certificate-revoked"
    title = "The card certificate has been revoked"


class CardCertificateWrongKind(AppError):
    """A user-authentication certificate used to sign, or a signing certificate used to log in."""

    status = 403
    type = "card-certificate-wrong-kind"
    title = "The card certificate is of the wrong kind"


class CardRevocationUnavailable(AppError):
    """The revocation list cannot be relied on (missing, stale, badly signed): never a pass.

    503: the resident did nothing wrong; the city must refresh its CRL.
    """

    status = 503
    type = "card-revocation-unavailable"
    title = "The card's revocation status cannot be checked"


class CardSignatureInvalid(AppError):
    """The signature does not verify with the certificate's key over the data (or challenge)."""

    status = 401
    type = "card-signature-invalid"
    title = "The card signature does not verify"
    headers = _CARD_AUTH


class CardChallengeInvalid(AppError):
    """A login challenge that is unknown, already used or expired."""

    status = 401
    type = "card-challenge-invalid"
    title = "The login challenge cannot be used"
    headers = _CARD_AUTH


class CardLinkConflict(AppError):
    status = 409
    type = "card-link-conflict"
    title = "The card certificate is linked to another resident"


class CardNotLinked(AppError):
    status = 404
    type = "card-not-linked"
    title = "No card is linked to that resident"


class CardHolderIncomplete(AppError):
    """The hub lacks one of the 4 basic items a signing certificate must carry."""

    status = 409
    type = "card-holder-incomplete"
    title = "The hub lacks a basic item for the card"
