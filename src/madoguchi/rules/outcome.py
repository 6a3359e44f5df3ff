"""What evaluating a rule for one subject can say besides true and false."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NeedsAnswers:
    """The rule read answers that are not given and could not decide without them."""

    questions: tuple[str, ...]


@dataclass(frozen=True)
class NeedsStaffCheck:
    """The rule asked the age of persons whose birth date is unknown (生年月日不詳)."""

    persons: tuple[str, ...]
    """Their subject references (宛名番号, or ``newborn``, ``spouse``, ``mover:N``)."""


Outcome = bool | NeedsAnswers | NeedsStaffCheck
