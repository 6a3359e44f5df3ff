"""What the navigator refuses: input it cannot use. Each detail names what to change.

Answers of the wrong type or naming no member are the rules engine's
``AnswerInvalid`` / ``NotAMember`` (type ``answer-invalid``), so the
navigator and the rules say the same thing about the same answer.
"""

from __future__ import annotations

from madoguchi.errors import AppError


class QuestionUnknown(AppError):
    status = 422
    type = "question-unknown"
    title = "The life event asks no such question"


class EventDateInvalid(AppError):
    status = 422
    type = "event-date-invalid"
    title = "The event date cannot be used"


class ApplicantInvalid(AppError):
    """No applicant where the event needs one, one for a move-in, or one who does not live in the city."""

    status = 422
    type = "applicant-invalid"
    title = "The applicant cannot apply for this event"


class ProcedureNotInEvent(AppError):
    status = 422
    type = "procedure-not-in-event"
    title = "The life event does not lead to this procedure"
