"""Why a digital certificate is refused — one class per condition (docs/problems.md).

A presentation that cannot be read or whose content does not fit is a 422; one
that is readable but not authentic, not trusted, not bound to its holder or
about someone else is a 403. A status list that cannot be fetched makes the
certificate "unverifiable now" (503): never "valid". A detail says what to do
and never repeats a claim's value (a name, a birth date).
"""

from __future__ import annotations

from madoguchi.errors import AppError


class CredentialKindUnknown(AppError):
    status = 422
    type = "credential-kind-unknown"
    title = "No such kind of certificate"


class CredentialClaimsInvalid(AppError):
    """Issuing: the claims do not fit the kind (a missing claim, a weight that is not a number)."""

    status = 422
    type = "credential-claims-invalid"
    title = "The claims do not fit the kind of certificate"


class PresentationTooLarge(AppError):
    status = 422
    type = "presentation-too-large"
    title = "The presentation is too large"


class PresentationMalformed(AppError):
    status = 422
    type = "presentation-malformed"
    title = "Not a readable certificate presentation"


class CredentialIssuerUnknown(AppError):
    status = 403
    type = "credential-issuer-unknown"
    title = "The certificate's issuer is not in the city's trust registry"


class CredentialSignatureInvalid(AppError):
    status = 403
    type = "credential-signature-invalid"
    title = "The issuer's signature does not verify"


class IssuerCertificateInvalid(AppError):
    """The ``x5c`` chain does not lead to the configured root, has expired, or names another issuer."""

    status = 403
    type = "credential-issuer-certificate-invalid"
    title = "The issuer's X.509 certificate is not valid"


class IssuerNotTrustedForKind(AppError):
    status = 403
    type = "credential-issuer-not-trusted-for-kind"
    title = "The issuer may not issue this kind of certificate"


class CredentialKindMismatch(AppError):
    status = 422
    type = "credential-kind-mismatch"
    title = "The certificate is of another kind"


class CredentialExpired(AppError):
    status = 422
    type = "credential-expired"
    title = "The certificate has expired"


class CredentialNotYetValid(AppError):
    status = 422
    type = "credential-not-yet-valid"
    title = "The certificate is not valid yet"


class CredentialRevoked(AppError):
    status = 403
    type = "credential-revoked"
    title = "The issuer has revoked or suspended the certificate"


class CredentialStatusUnavailable(AppError):
    """The status list could not be fetched and no recent copy is cached: unverifiable now."""

    status = 503
    type = "credential-status-unavailable"
    title = "The certificate's status cannot be checked now"


class DisclosureInvalid(AppError):
    """A disclosure the issuer did not sign: altered, added, or sent twice."""

    status = 403
    type = "credential-disclosure-invalid"
    title = "A disclosed claim was not signed by the issuer"


class KeyBindingMissing(AppError):
    status = 403
    type = "key-binding-missing"
    title = "The presentation is not bound to its holder"


class KeyBindingInvalid(AppError):
    """The key-binding JWT is not signed by the key the certificate names, or covers another presentation."""

    status = 403
    type = "key-binding-invalid"
    title = "The holder's key binding does not verify"


class PresentationNonceMismatch(AppError):
    status = 403
    type = "presentation-nonce-mismatch"
    title = "The presentation answers another request"


class PresentationAudienceMismatch(AppError):
    status = 403
    type = "presentation-audience-mismatch"
    title = "The presentation was made for another verifier"


class SubjectNotDisclosed(AppError):
    status = 422
    type = "credential-subject-not-disclosed"
    title = "The certificate does not show whom it is about"


class SubjectMismatch(AppError):
    status = 403
    type = "credential-subject-mismatch"
    title = "The certificate is about someone else"


class TrustRegistryInvalid(AppError):
    """The city's ``trusted-issuers.yaml`` (or a key file it names) cannot be used: an operator's fault."""

    status = 500
    type = "trust-registry-invalid"
    title = "The trust registry cannot be used"


class DemoIssuerUnknown(AppError):
    status = 404
    type = "demo-issuer-unknown"
    title = "No such issuer in the demo"
