"""How the resident's pages say things that come as data: where a value came from, whom a form is about,
an application's status, and the intake's refusals of a value.

Everything here is a message id translated for the page's language; nothing
personal is read for it: a person is named only by what the forms already
show of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from madoguchi.catalog.errors import ProcedureNotFound
from madoguchi.catalog.models import Catalog
from madoguchi.guidance.language import say
from madoguchi.web.i18n import N_, as_lang, day, gettext

SYSTEMS = {
    "juki": N_("resident register"), "tax": N_("resident tax"), "nhi": N_("National Health Insurance"),
    "child_allowance": N_("child allowance"), "ltc": N_("long-term care insurance"),
    "late_elderly": N_("medical care for the elderly"), "pension": N_("National Pension"),
    "accounts": N_("registered public-money account"),
}
"""The back-office systems (``registry.models.SYSTEM_TABLES``) as a resident knows them."""
EVENT_PEOPLE = {"newborn": N_("the newborn child"), "spouse": N_("your spouse-to-be")}
STATUSES = {
    "awaiting_signatures": N_("Awaiting signatures"), "at_counter": N_("To be signed at the counter"),
    "received": N_("Received"), "in_review": N_("In review"), "needs_correction": N_("Correction requested"),
    "accepted": N_("Accepted"), "rejected": N_("Rejected"),
}
"""``intake.status.ApplicationStatus``; in Japanese the intake's own labels (``LABELS_JA``)."""
CHANGED_BY = {"resident": N_("you"), "staff": N_("the department"), "system": N_("the department's system"),
              "operator": N_("the city")}
VALUE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), message) for pattern, message in (
    (r"this value is needed|this field needs a value|give a value", N_("Please fill this in.")),
    (r"write it in katakana.*", N_("Write it in katakana.")),
    (r"give a date as YYYY-MM-DD", N_("Give a date.")),
    (r"give a whole number", N_("Give a whole number.")),
    (r"answer yes or no", N_("Answer yes or no.")),
    (r"choose one of: .*", N_("Choose one of the options.")),
    (r"choose .*person.*|choose people .*", N_("Choose from the people listed.")),
    (r"the value does not have the expected form.*", N_("This is not in the expected form.")),
    (r"write at (least|most) \d+ characters", N_("The length is not right.")),
    (r"give at (least|most) -?\d+", N_("This number is out of range.")),
    (r"the postal code has 7 digits|no such postal code", N_("Give an existing 7-digit postal code.")),
    (r"the address needs its .*", N_("Give the prefecture, city, town and block.")),
    (r"(the bank code|the branch code|the account).*|write the account holder.*",
     N_("Check the bank account: bank code (4 digits), branch code (3), type, number (up to 7), holder in "
        "katakana.")),
    (r"the bundle asks no such value.*|this field was not sent back.*",
     N_("This value cannot be given here.")),
))
"""The intake's refusals of a value (``intake.values``), in words a resident reads next to the field."""


def value_message(message: str, lang: str) -> str:
    """The intake's message about a value, in the page's language."""
    found = next((text for pattern, text in VALUE_MESSAGES if pattern.fullmatch(message)),
                 N_("Please check this value."))
    return gettext(lang, found)


def status_label(status: str, lang: str) -> str:
    return gettext(lang, STATUSES.get(status, status))


def procedure_name(catalog: Catalog, procedure_id: str, lang: str) -> str:
    try:
        return say(catalog.procedure(procedure_id).name, as_lang(lang))
    except ProcedureNotFound:
        return procedure_id


def provenance(source: Mapping[str, Any] | None, catalog: Catalog, lang: str) -> str:
    """Where a prefilled value came from: 住民記録（令和7年5月31日時点）, 回答, 出生証明書, …"""
    source = source or {}
    if source.get("shared_from"):
        procedure_id = str(source["shared_from"]).split(".", 1)[0]
        shared = gettext(lang, "as on the %(form)s") % {"form": procedure_name(catalog, procedure_id, lang)}
    else:
        shared = ""
    if source.get("system"):
        system = gettext(lang, SYSTEMS.get(str(source["system"]), str(source["system"])))
        text = (gettext(lang, "the city's %(system)s, as of %(date)s") % {
            "system": system, "date": day(str(source["as_of"]), lang)} if source.get("as_of") else system)
    elif source.get("certificate"):
        kind = catalog.certificates.get(str(source["certificate"]))
        text = say(kind.name, as_lang(lang)) if kind else str(source["certificate"])
    elif source.get("event_date"):
        text = gettext(lang, "the date of the life event you gave")
    elif source.get("answer"):
        text = gettext(lang, "your answer")
    else:
        text = gettext(lang, "what you gave")
    return f"{text} · {shared}" if shared else text


def people_names(forms: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The names the forms already show, by the 宛名番号 they were read for (family and given name)."""
    parts: dict[str, dict[str, str]] = {}
    for form in forms:
        for field in form["fields"]:
            source = field.get("source") or {}
            person, item, shown = source.get("person"), source.get("item"), field.get("display")
            if person and shown and not field.get("masked"):
                if item in ("family_name", "given_name"):
                    parts.setdefault(str(person), {})[str(item)] = str(shown)
                elif item is None and field.get("type") == "person":
                    parts.setdefault(str(person), {})["full"] = str(shown)
    return {person: found.get("full") or "　".join(filter(None, (found.get("family_name"),
                                                                 found.get("given_name"))))
            for person, found in parts.items()}


def person_label(subject: str, *, applicant: str, names: Mapping[str, str], lang: str) -> str:
    """Whom a form or a choice is about: you, the newborn, a member by the name a form shows."""
    if subject == applicant:
        name = names.get(subject)
        return gettext(lang, "you (%(name)s)") % {"name": name} if name else gettext(lang, "you")
    if subject in EVENT_PEOPLE:
        return gettext(lang, EVENT_PEOPLE[subject])
    if subject.startswith("mover:"):
        return gettext(lang, "person moving in no. %(n)s") % {"n": int(subject.removeprefix("mover:")) + 1}
    return names.get(subject) or gettext(lang, "a member of your household")
