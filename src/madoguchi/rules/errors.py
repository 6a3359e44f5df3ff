"""What can go wrong with a rule: a rule the compiler refuses, an answer it cannot use."""

from __future__ import annotations

from collections.abc import Sequence

from madoguchi.errors import AppError


class RuleNotCompilable(AppError):
    """A catalog rule outside the rule language (docs/rules.md); ``errors`` lists every problem found."""

    status = 422
    type = "rule-not-compilable"
    title = "The rule is not in the rule language"

    def __init__(self, rule: str, errors: Sequence[str]) -> None:
        self.rule = rule
        self.errors = list(errors)
        super().__init__(f"{rule!r}: " + "; ".join(self.errors))


class AnswerInvalid(AppError):
    """An answer a rule reads has the wrong type or names no one it can use."""

    status = 422
    type = "answer-invalid"
    title = "An answer cannot be used"

    def __init__(self, question: str, problem: str) -> None:
        self.question = question
        super().__init__(f"answer {question!r}: {problem}")


class NotAMember(AnswerInvalid):
    """An answer names a 宛名番号 that is not a member of the household the applicant may see."""


class RuleNotScreenable(AppError):
    """The population cannot be screened for this rule: its people are not in the hub (move-in)."""

    status = 422
    type = "rule-not-screenable"
    title = "The rule cannot be screened over the population"
