"""What each staff role may decide about an application.

A ``reviewer`` (審査担当) starts a review, sends an application back for
correction and accepts it; refusing one (不受理) ends the resident's
application for good, so it is a ``manager``'s (管理者) decision. The service
(``intake.review.decide``) knows the department, not the role: the back office
checks the role before calling it.
"""

from __future__ import annotations

from collections.abc import Mapping

from madoguchi.errors import AppError
from madoguchi.intake.status import ApplicationStatus

S = ApplicationStatus

REVIEWER_DECISIONS = frozenset({S.IN_REVIEW, S.NEEDS_CORRECTION, S.ACCEPTED})
DECISIONS: Mapping[str, frozenset[ApplicationStatus]] = {
    "reviewer": REVIEWER_DECISIONS,
    "manager": REVIEWER_DECISIONS | {S.REJECTED},
}


class DecisionNotAllowed(AppError):
    status = 403
    type = "decision-not-allowed"
    title = "Your role may not make this decision"


def may_decide(role: str, status: ApplicationStatus) -> bool:
    """Whether a staff member of this role may move an application to ``status``."""
    return status in DECISIONS.get(role, frozenset())
