"""An application's states and the changes between them.

::

    awaiting_signatures ──(last co-signature)──▶ received ──▶ in_review ──▶ accepted
            │                                      ▲   │          │   └──▶ rejected
            └──(signed at the counter)─▶ at_counter │   └──▶ needs_correction
                                                   └──(corrected)──┘

``received``, ``in_review`` and ``needs_correction`` may also be decided
directly (a department that accepts without a separate review step).
"""

from __future__ import annotations

from enum import StrEnum


class ApplicationStatus(StrEnum):
    AWAITING_SIGNATURES = "awaiting_signatures"
    """Waits for another person's signature (the spouse, witnesses) before it reaches the department."""
    AT_COUNTER = "at_counter"
    """Prepared and printed for the counter, where the signers who cannot sign online sign it."""
    RECEIVED = "received"
    IN_REVIEW = "in_review"
    NEEDS_CORRECTION = "needs_correction"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


S = ApplicationStatus

TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    S.AWAITING_SIGNATURES: frozenset({S.RECEIVED, S.AT_COUNTER}),
    S.AT_COUNTER: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.IN_REVIEW, S.NEEDS_CORRECTION, S.ACCEPTED, S.REJECTED}),
    S.IN_REVIEW: frozenset({S.NEEDS_CORRECTION, S.ACCEPTED, S.REJECTED}),
    S.NEEDS_CORRECTION: frozenset({S.RECEIVED, S.REJECTED}),
    S.ACCEPTED: frozenset(),
    S.REJECTED: frozenset(),
}

DECIDED = frozenset({S.ACCEPTED, S.REJECTED})
"""Final: the application no longer blocks a new one for the same procedure and subject."""

LABELS_JA: dict[ApplicationStatus, str] = {
    S.AWAITING_SIGNATURES: "署名待ち",
    S.AT_COUNTER: "窓口で署名",
    S.RECEIVED: "受付済み",
    S.IN_REVIEW: "審査中",
    S.NEEDS_CORRECTION: "補正依頼",
    S.ACCEPTED: "受理",
    S.REJECTED: "不受理",
}


def may_change(current: ApplicationStatus, new: ApplicationStatus) -> bool:
    return new in TRANSITIONS[current]
