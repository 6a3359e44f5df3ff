"""What the intake refuses: each a clear problem the resident or their front can act on."""

from __future__ import annotations

from madoguchi.errors import AppError


class DraftNotFound(AppError):
    status = 404
    type = "draft-not-found"
    title = "No such draft"


class DraftExpired(AppError):
    """A draft's prefilled values are as fresh as the hub was when it was made; an old one is made again."""

    status = 410
    type = "draft-expired"
    title = "The draft has expired"


class DraftSubmitted(AppError):
    status = 409
    type = "draft-submitted"
    title = "The draft has already been submitted"


class ValuesInvalid(AppError):
    """One or more values are missing or wrong; ``fields`` says which and why."""

    status = 422
    type = "values-invalid"
    title = "Some values are missing or wrong"


class EvidenceMissing(AppError):
    status = 422
    type = "evidence-missing"
    title = "An attachment the procedure needs is missing"


class AttachmentRefused(AppError):
    status = 422
    type = "attachment-refused"
    title = "The attachment cannot be accepted"


class SignatureInvalid(AppError):
    """The signature is missing, does not verify, or is not the applicant's card."""

    status = 403
    type = "signature-invalid"
    title = "The signature could not be verified"


class MayNotActFor(AppError):
    status = 403
    type = "may-not-act-for"
    title = "You may not apply for this person"


class AlreadyOpen(AppError):
    """A second application for the same procedure and subject while the first is open."""

    status = 409
    type = "application-already-open"
    title = "An application for this is already open"


class AlreadySubmitted(AppError):
    """The same signed content again (a replayed request)."""

    status = 409
    type = "bundle-already-submitted"
    title = "This bundle has already been submitted"


class NotYours(AppError):
    """A draft, bundle or application of someone else: answered as not found, so nothing leaks."""

    status = 404
    type = "not-found"
    title = "Not found"


class ApplicationNotFound(AppError):
    status = 404
    type = "application-not-found"
    title = "No such application"


class StatusChangeInvalid(AppError):
    status = 409
    type = "status-change-invalid"
    title = "The application cannot change to that status now"


class CoSignatureInvalid(AppError):
    status = 403
    type = "co-signature-invalid"
    title = "The co-signature cannot be accepted"


class IdempotencyKeyReused(AppError):
    status = 409
    type = "idempotency-key-reused"
    title = "The Idempotency-Key was used for another request"
