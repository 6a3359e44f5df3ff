"""The plan as it crosses the boundary (``madoguchi plan --json``, ``POST /api/v1/plans``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from madoguchi.guidance.language import Lang

DeadlineKind = Literal["period", "promptly", "none", "with"]


class PlannedProcedure(BaseModel):
    """One application to file: a procedure for one subject."""

    id: str
    name: str
    subject: str = Field(description="The 宛名番号, or a reference: `newborn`, `mover:N`, `spouse`.")
    department: str
    department_name: str
    deadline: dt.date | None = Field(description="The last day to file, moved past closed days; null when none.")
    deadline_kind: DeadlineKind = Field(description="`period` (a date), `promptly` (速やかに), `none`, "
                                                    "or `with` another procedure (its date).")
    deadline_question: str | None = Field(
        default=None, description="The unanswered question the deadline is counted from, when it is one.")
    reason: str
    optional: bool = Field(default=False, description="Offered rather than required (印鑑登録).")


class NoProcedureNeeded(BaseModel):
    """What the city updates by itself after the event."""

    what: str
    reason: str


class NeedsAnswers(BaseModel):
    """A procedure whose rule, or whose subjects, depend on questions not answered yet."""

    procedure: str
    questions: list[str]


class NeedsStaffCheck(BaseModel):
    """A procedure whose rule asks the age of someone whose birth date is unknown (生年月日不詳)."""

    procedure: str
    subject: str
    persons: list[str]


class Plan(BaseModel):
    event: str
    date: dt.date
    applicant: str | None = Field(description="The applicant's 宛名番号; null for a move-in.")
    lang: Lang
    procedures: list[PlannedProcedure]
    no_procedure_needed: list[NoProcedureNeeded]
    needs_answers: list[NeedsAnswers]
    needs_staff_check: list[NeedsStaffCheck]
    questions: list[str] = Field(description="The event's questions still unanswered (those asked here).")
    paper_chars: int = Field(default=0, description="Characters the resident would write on the paper "
                                                    "forms of these procedures (the paper baseline).")
