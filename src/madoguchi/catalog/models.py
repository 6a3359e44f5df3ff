"""A loaded catalog: departments, closed days, tables, certificate kinds, procedures and life events.

These models are built only from files that passed the schema and the
cross-checks (``loader``), so they hold no invalid state; they are frozen,
and a reload builds a new ``Catalog`` rather than changing one in place.
Rules stay strings here: ``madoguchi.rules`` evaluates and compiles them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import jpholiday
from pydantic import BaseModel, ConfigDict, Field, model_validator

from madoguchi.catalog.errors import (
    DepartmentNotFound,
    EventNotFound,
    ProcedureNotFound,
    TableNotFound,
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

FieldType = Literal["text", "kana", "date", "era_date", "number", "select", "bool",
                    "address", "account", "person", "persons", "movers"]
QuestionType = Literal["person", "persons", "bool", "enum", "date", "text", "movers"]
Counting = Literal["koseki", "civil"]
"""``koseki``: 戸籍法43条, the day of the event is day 1; ``civil``: 民法140条, the first day is not counted."""
Selector = Literal["applicant", "newborn", "deceased", "mother", "claimant", "person",
                   "former_spouse", "spouse", "persons", "movers", "household",
                   "household_except_deceased"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Model):
    """Words shown to people, in Japanese and English."""

    ja: str
    en: str


class Department(_Model):
    id: str
    name: Text
    counter: Text | None = None


class OfficeCalendar(_Model):
    """The days the city office is closed: a deadline that falls on one moves to the next open day."""

    closed_weekdays: frozenset[str]
    national_holidays_closed: bool
    closed_every_year: frozenset[str]
    """``MM-DD``, e.g. 年末年始 12-29 … 01-03."""
    closed_dates: frozenset[date]

    def is_closed(self, day: date) -> bool:
        return (WEEKDAYS[day.weekday()] in self.closed_weekdays
                or f"{day:%m-%d}" in self.closed_every_year
                or day in self.closed_dates
                or (self.national_holidays_closed and jpholiday.is_holiday(day)))

    def next_open_day(self, day: date) -> date:
        """``day`` itself when the office is open, else the first open day after it."""
        while self.is_closed(day):
            day += timedelta(days=1)
        return day


class Table(_Model):
    """Amounts, limits and thresholds that change by law (児童扶養手当の所得制限限度額, …).

    A table keyed by ``dependents`` gives a value per number of dependents
    (keys are digit strings) and what each dependent beyond the last adds;
    ``madoguchi.rules`` reads it for ``income_limit``.
    """

    id: str
    name: Text
    basis: str
    unit: Literal["yen", "yen_per_month", "years"]
    key: Literal["dependents", "name"]
    values: Mapping[str, int]
    each_additional: int = 0


class Claim(_Model):
    id: str
    label: Text


class CertificateKind(_Model):
    """A kind of document a resident brings or a digital certificate carries (出生証明書, …)."""

    id: str
    name: Text
    issuer: Text
    claims: tuple[Claim, ...]
    """Form fields fill themselves from a claim as ``<id with _>.<claim>`` (``birth_certificate.birth_time``)."""


class Option(_Model):
    value: str
    label: Text


class Validation(_Model):
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min: int | None = None
    max: int | None = None


class Typed(_Model):
    why: Text


class FormField(_Model):
    id: str
    label: Text
    type: FieldType
    required: bool
    options: tuple[Option, ...] = ()
    validation: Validation | None = None
    prefill: str | None = None
    """A hub item path (``subject.family_name``), ``answers.<question>``, ``event_date``,
    or a certificate claim (``birth_certificate.birth_time``)."""
    typed: Typed | None = None
    """Set when the resident types the value because no source has it, with why."""
    shared: str | None = None
    """Fields of one bundle with the same key are asked once (``newborn.given_name``)."""
    shown_when: str | None = None
    paper_chars: int
    """Characters a resident writes for this field on the paper form (the paper baseline)."""
    help: Text | None = None


class Form(_Model):
    fields: tuple[FormField, ...]


class Evidence(_Model):
    certificate: str | None = None
    """A certificate kind (``certificates.yaml``) — digital once the certificate work lands."""
    document: Text | None = None
    """A document the resident shows or uploads (母子健康手帳, …)."""
    required_when: str | None = None
    note: Text | None = None


class Signer(_Model):
    role: Literal["applicant", "subject", "spouse", "former_spouse", "witness"]
    count: int = 1
    min_age: int | None = None
    required_when: str | None = None


class Signers(_Model):
    required: tuple[Signer, ...]
    counter_fallback: bool = False
    """Where a signer cannot sign online, the form is prepared and printed for the counter."""


class Delivery(_Model):
    channel: Literal["inbox"] = "inbox"


class Procedure(_Model):
    id: str
    name: Text
    description: Text | None = None
    department: str
    legal_basis: str
    applicants: tuple[str, ...]
    reads: frozenset[str]
    """The hub items the procedure may read: nothing else is read for it."""
    my_number_basis: str | None
    form: Form
    evidence: tuple[Evidence, ...]
    signers: Signers
    deadline_counting: Counting
    delivery: Delivery = Delivery()

    def field(self, field_id: str) -> FormField | None:
        return next((f for f in self.form.fields if f.id == field_id), None)


class MoverField(_Model):
    id: str
    type: Literal["text", "kana", "date", "bool", "select"]
    label: Text
    options: tuple[Option, ...] = ()


class Question(_Model):
    id: str
    type: QuestionType
    label: Text
    help: Text | None = None
    options: tuple[Option, ...] = ()
    allow_empty: bool = False
    allow_external: bool = False
    fields: tuple[MoverField, ...] = ()
    asked_when: str | None = None


class Deadline(_Model):
    """When an application is due: a period counted from a start, or no date at all."""

    kind: Literal["period", "promptly", "none", "with"]
    period: str | None = None
    """ISO 8601, one unit: ``P14D``, ``P2W``, ``P1M``, ``P2Y``."""
    start: str = "event_date"
    """``event_date`` or ``answers.<date question>``."""
    offset_days: int = 0
    with_procedure: str | None = None
    """For ``with``: filed together with that procedure (火葬許可 with 死亡届)."""

    @model_validator(mode="before")
    @classmethod
    def _from_catalog(cls, raw: Any) -> Any:
        if isinstance(raw, str):
            return {"kind": raw}
        if isinstance(raw, dict) and "kind" not in raw:
            if "with" in raw:
                return {"kind": "with", "with_procedure": raw["with"]}
            return {"kind": "period", "period": raw.get("period"),
                    "start": raw.get("from", "event_date"), "offset_days": raw.get("offset_days", 0)}
        return raw

    @property
    def start_question(self) -> str | None:
        """The question whose answer starts the period, if it is not the event date."""
        return self.start.removeprefix("answers.") if self.start.startswith("answers.") else None


class Entry(_Model):
    """A procedure as one life event leads to it: for whom, when it applies, by when, and why."""

    procedure: str
    subjects: Selector
    applies_when: str
    deadline: Deadline
    reason: Text
    optional: bool = False


class Automatic(_Model):
    """Something the city updates by itself after the event: no procedure needed (漏れない)."""

    what: Text
    reason: Text
    applies_when: str | None = None


class EventDate(_Model):
    meaning: Text
    future_days: int
    """How many days ahead the date may be given (転出: 30); 0 means not in the future."""


class Event(_Model):
    id: str
    name: Text
    date: EventDate
    questions: tuple[Question, ...]
    entries: tuple[Entry, ...] = Field(alias="procedures")
    automatic: tuple[Automatic, ...] = ()

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def entries_for(self, procedure_id: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.procedure == procedure_id)


class Catalog(_Model):
    """Everything one catalog folder defines, by id."""

    folder: Path
    departments: Mapping[str, Department]
    calendar: OfficeCalendar
    tables: Mapping[str, Table]
    certificates: Mapping[str, CertificateKind]
    procedures: Mapping[str, Procedure]
    events: Mapping[str, Event]

    def event(self, event_id: str) -> Event:
        """Raises EventNotFound."""
        if event_id not in self.events:
            raise EventNotFound(f"no life event {event_id!r}; known: {', '.join(self.events)}")
        return self.events[event_id]

    def procedure(self, procedure_id: str) -> Procedure:
        """Raises ProcedureNotFound."""
        if procedure_id not in self.procedures:
            raise ProcedureNotFound(f"no procedure {procedure_id!r} in the catalog")
        return self.procedures[procedure_id]

    def department(self, department_id: str) -> Department:
        """Raises DepartmentNotFound."""
        if department_id not in self.departments:
            raise DepartmentNotFound(f"no department {department_id!r}; known: {', '.join(self.departments)}")
        return self.departments[department_id]

    def table(self, table_id: str) -> Table:
        """Raises TableNotFound."""
        if table_id not in self.tables:
            raise TableNotFound(f"no table {table_id!r} in the catalog")
        return self.tables[table_id]

    def department_procedures(self, department_id: str) -> list[Procedure]:
        return [p for p in self.procedures.values() if p.department == department_id]
