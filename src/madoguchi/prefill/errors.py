"""What prefill refuses: a subject the form is not about (a form the event does not lead to is
``guidance.errors.ProcedureNotInEvent``)."""

from __future__ import annotations

from madoguchi.errors import AppError


class SubjectInvalid(AppError):
    """The subject is not a member of the household, or not one the procedure is about in this event."""

    status = 422
    type = "subject-invalid"
    title = "The form cannot be about this subject"
