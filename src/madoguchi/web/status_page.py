"""The status page of a bundle: each application's status and history, and any correction the department asks.

Built from ``intake.tracking.bundle_status``. A correction request names the
fields to fix: only those are asked, each as its catalog field, in the same
shape the confirmation page asks values (``confirmation_page.input_view``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from madoguchi.catalog.models import Catalog
from madoguchi.guidance.language import say
from madoguchi.intake.status import DECIDED, ApplicationStatus
from madoguchi.web.confirmation_page import Choice, InputView, input_view
from madoguchi.web.i18n import as_lang, gettext
from madoguchi.web.wording import (
    CHANGED_BY,
    people_names,
    person_label,
    procedure_name,
    status_label,
)

FIELDS_PER_APPLICATION = 1000
"""Spacing of the fields' page ids between applications, so no two inputs of the page share an id."""
CORRECTED = "corrected"
"""The reason the intake writes when the resident corrected an application."""


@dataclass(frozen=True)
class Change:
    at: str
    status: str
    by: str
    reason: str | None


@dataclass(frozen=True)
class ApplicationView:
    reference: str
    procedure: str
    name: str
    about: str
    department_name: str
    status: str
    status_label: str
    deadline: str | None
    history: list[Change]
    correction_reason: str | None
    to_fix: list[InputView]


@dataclass(frozen=True)
class StatusPage:
    reference: str
    event_name: str
    event_date: str
    submitted_at: str
    applications: list[ApplicationView]

    @property
    def settled(self) -> bool:
        """Every application decided: nothing will change any more, so the page stops asking."""
        return all(ApplicationStatus(a.status) in DECIDED for a in self.applications)


def status_page(bundle: Mapping[str, Any], catalog: Catalog, *, applicant: str, lang: str,
                errors: Mapping[str, Mapping[str, str]] | None = None) -> StatusPage:
    """The page of ``bundle_status``'s answer; ``errors``: per application reference, per field id."""
    names = people_names(bundle["applications"])
    event = catalog.events.get(str(bundle["event"]))
    return StatusPage(
        str(bundle["reference"]), say(event.name, as_lang(lang)) if event else str(bundle["event"]),
        str(bundle["date"]), str(bundle["submitted_at"]),
        [_application(n, a, catalog, applicant, lang, names, (errors or {}).get(a["reference"], {}))
         for n, a in enumerate(bundle["applications"])])


def _application(position: int, application: Mapping[str, Any], catalog: Catalog, applicant: str, lang: str,
                 names: Mapping[str, str], errors: Mapping[str, str]) -> ApplicationView:
    procedure_id, subject = str(application["procedure"]), str(application["subject"])
    department = catalog.departments.get(str(application["department"]))
    correction = application.get("correction") or {}
    people = [Choice(p, person_label(p, applicant=applicant, names=names, lang=lang))
              for p in dict.fromkeys([applicant, subject])]
    to_fix = [_field_input(position * FIELDS_PER_APPLICATION + i, procedure_id, field_id, catalog, lang, people,
                           errors.get(field_id))
              for i, field_id in enumerate(correction.get("fields") or [])]
    return ApplicationView(
        reference=str(application["reference"]), procedure=procedure_id,
        name=procedure_name(catalog, procedure_id, lang),
        about=person_label(subject, applicant=applicant, names=names, lang=lang),
        department_name=say(department.name, as_lang(lang)) if department else "",
        status=str(application["status"]), status_label=status_label(str(application["status"]), lang),
        deadline=application.get("deadline"),
        history=[Change(str(h["at"]), status_label(str(h["status"]), lang),
                        gettext(lang, CHANGED_BY.get(str(h["by"]), str(h["by"]))),
                        gettext(lang, "you corrected it") if h.get("reason") == CORRECTED else h.get("reason"))
                 for h in application["history"]],
        correction_reason=correction.get("reason"), to_fix=[i for i in to_fix if i is not None])


def _field_input(index: int, procedure_id: str, field_id: str, catalog: Catalog, lang: str, people: list[Choice],
                 error: str | None) -> InputView | None:
    """A field sent back, asked as an input keyed by its field id (what the correction takes)."""
    field = catalog.procedure(procedure_id).field(field_id)
    if field is None:
        return None
    words = as_lang(lang)
    entry = {"key": field.id, "type": field.type, "label": say(field.label, words), "required": True,
             "why": gettext(lang, "The department asks you to give this again."), "certificate": None,
             "options": [{"value": o.value, "label": say(o.label, words)} for o in field.options],
             "fields": [{"procedure": procedure_id}]}
    return input_view(index, entry, lang, catalog, people, None, error)
