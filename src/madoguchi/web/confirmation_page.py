"""The confirmation page of a draft: every prefilled value with its source, and the values the resident gives.

Built from the draft as ``show_draft`` gives it (sensitive values masked) and
the values kept so far. A prefilled value is shown, never an input: the
intake takes the forms from the server-side draft, so a value the hub gave
cannot be replaced from the page (docs/intake.md); the page says whom to ask
when it is wrong. Only the draft's ``inputs`` are asked — each shared value
once, with its label and why it is asked — and each is kept in the draft as
soon as it is given, so the resident can stop and come back.

Form fields are named ``value:<input key>``, and ``value:<input key>|<part>``
for the parts of an address or a bank account.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import JsonValue
from starlette.datastructures import FormData

from madoguchi.catalog.models import Catalog
from madoguchi.intake.sealed_fields import MASK, hint
from madoguchi.intake.values import Checked
from madoguchi.web.i18n import N_
from madoguchi.web.wording import person_label, procedure_name, provenance

PREFIX, PART = "value:", "|"
ADDRESS_PARTS = (("postal_code", N_("Postal code")), ("prefecture", N_("Prefecture")), ("city", N_("City")),
                 ("town", N_("Town")), ("block", N_("Block and number")), ("building", N_("Building and room")))
ACCOUNT_PARTS = (("bank_code", N_("Bank code (4 digits)")), ("branch_code", N_("Branch code (3 digits)")),
                 ("account_type", N_("Account type")), ("account_number", N_("Account number")),
                 ("holder_kana", N_("Account holder (katakana)")))
PARTS = {"address": ADDRESS_PARTS, "account": ACCOUNT_PARTS}
NUMBER = re.compile(r"-?\d+")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class InputView:
    """One value the resident gives, as its field shows it."""

    index: int
    key: str
    label: str
    type: str
    required: bool
    why: str
    certificate: str | None
    options: list[Choice]
    used_on: list[str]
    """The forms it fills (a shared value fills several)."""
    value: JsonValue
    """What was given so far, to show in the field; never a bank account (``shown`` says it is there)."""
    shown: str | None
    error: str | None = None

    @property
    def dom_id(self) -> str:
        return f"input-{self.index}"

    @property
    def parts(self) -> tuple[tuple[str, str], ...]:
        """The parts of an address or a bank account, with their labels (message ids)."""
        return PARTS.get(self.type, ())


@dataclass(frozen=True)
class ShownField:
    label: str
    display: str
    source: str
    masked: bool


@dataclass(frozen=True)
class EvidenceView:
    procedure: str
    subject: str
    key: str
    name: str
    form_name: str
    required: bool
    certificate: str | None
    attached: str | None
    """The file's name, once one is attached."""
    error: str | None = None

    @property
    def dom_id(self) -> str:
        return f"evidence-{self.procedure}-{self.subject}-{self.key}".replace(":", "-")


@dataclass(frozen=True)
class FormView:
    procedure: str
    name: str
    about: str
    department_name: str
    prefilled: list[ShownField]
    asked: list[str]
    """The labels of its fields the resident gives (asked above, once for the bundle)."""


@dataclass(frozen=True)
class ConfirmationPage:
    draft_id: str
    lang: str
    event: str
    inputs: list[InputView]
    forms: list[FormView]
    evidence: list[EvidenceView]

    @property
    def typed(self) -> list[InputView]:
        """What the resident writes themselves (no certificate holds it)."""
        return [i for i in self.inputs if i.certificate is None and i.required]

    @property
    def from_certificates(self) -> list[InputView]:
        return [i for i in self.inputs if i.certificate is not None]

    @property
    def optional(self) -> list[InputView]:
        return [i for i in self.inputs if i.certificate is None and not i.required]


def confirmation_page(draft: Mapping[str, Any], catalog: Catalog, *, given: Mapping[str, Checked],
                      attached: Mapping[tuple[str, str, str], str], names: Mapping[str, str],
                      submitted: Mapping[str, JsonValue] | None = None, errors: Mapping[str, str] | None = None,
                      evidence_errors: Mapping[str, str] | None = None) -> ConfirmationPage:
    """The page of a draft (``DraftView.to_json()``) with the values ``given`` so far and the files attached.

    A value just ``submitted`` is shown as the resident wrote it, kept or not (a refused one, to fix it).
    """
    lang = str(draft["plan"]["lang"])
    errors = errors or {}
    people = [Choice(p, person_label(p, applicant=draft["applicant"], names=names, lang=lang))
              for p in draft["people"]]
    inputs = [input_view(i, entry, lang, catalog, people, given.get(entry["key"]), errors.get(entry["key"]),
                         (submitted or {}).get(entry["key"]))
              for i, entry in enumerate(draft["inputs"])]
    forms = [_form_view(form, str(draft["applicant"]), lang, catalog, names) for form in draft["forms"]]
    evidence = [EvidenceView(form["procedure"], form["subject"], need["key"], need["name"], form["name"],
                             need["required"], need["certificate"],
                             attached.get((form["procedure"], form["subject"], need["key"])),
                             (evidence_errors or {}).get(f"{form['procedure']}/{form['subject']}/{need['key']}"))
                for form in draft["forms"] for need in form["evidence"]]
    return ConfirmationPage(str(draft["draft_id"]), lang, str(draft["event"]), inputs, forms, evidence)


def input_view(index: int, entry: Mapping[str, Any], lang: str, catalog: Catalog, people: list[Choice],
               given: Checked | None, error: str | None, submitted: JsonValue = None) -> InputView:
    """One input (a draft's ``inputs`` entry) with the value given so far; labels in ``lang``."""
    kind = str(entry["type"])
    options = people if kind in ("person", "persons") else [Choice(o["value"], o["label"]) for o in entry["options"]]
    used_on = list(dict.fromkeys(procedure_name(catalog, f["procedure"], lang) for f in entry["fields"]))
    if submitted is not None and kind != "account":
        value, shown = submitted, given.display if given is not None else None
    elif given is None:
        value, shown = None, None
    elif kind == "account":  # kept sealed: the page says it is there, never what it is
        value, shown = None, hint(given.value)
    else:
        value, shown = given.value, given.display
    return InputView(index, str(entry["key"]), str(entry["label"]), kind, bool(entry["required"]),
                     str(entry["why"]), entry.get("certificate"), options, used_on, value, shown, error)


def values_from_form(inputs: Sequence[Mapping[str, Any]], form: FormData) -> dict[str, JsonValue]:
    """The values a form gives, by input key, in the shape the intake checks; a blank field gives nothing."""
    values: dict[str, JsonValue] = {}
    for entry in inputs:
        key, kind = str(entry["key"]), str(entry["type"])
        name = PREFIX + key
        value: JsonValue
        if kind in PARTS:
            parts = {part: str(form.get(f"{name}{PART}{part}") or "").strip() for part, _ in PARTS[kind]}
            value = dict[str, JsonValue](parts) if any(parts.values()) else None
        elif kind == "persons":
            chosen = [str(v) for v in form.getlist(name) if str(v)]
            value = list[JsonValue](chosen) if chosen else None
        else:
            value = _single(kind, str(form.get(name) or "").strip())
        if value is not None:
            values[key] = value
    return values


def key_of(pointer: str) -> str:
    """The input key a refusal's JSON Pointer (``#/body/values/<key>``) names."""
    return pointer.removeprefix("#/body/values/").replace("~1", "/").replace("~0", "~")


def _single(kind: str, raw: str) -> JsonValue:
    if not raw:
        return None
    if kind == "bool":
        return {"true": True, "false": False}.get(raw, raw)
    if kind == "number" and NUMBER.fullmatch(raw):
        return int(raw)
    return raw


def _form_view(form: Mapping[str, Any], applicant: str, lang: str, catalog: Catalog,
               names: Mapping[str, str]) -> FormView:
    prefilled = [_shown(f, catalog, lang) for f in form["fields"] if f.get("input") is None and f.get("display")]
    asked = [str(f["label"]) for f in form["fields"] if f.get("input") is not None]
    return FormView(str(form["procedure"]), str(form["name"]),
                    person_label(str(form["subject"]), applicant=applicant, names=names, lang=lang),
                    str(form["department_name"]), prefilled, asked)


def _shown(field: Mapping[str, Any], catalog: Catalog, lang: str) -> ShownField:
    """A prefilled value as shown: a My Number by its last digits only, however the draft holds it."""
    source = field.get("source") or {}
    item = str(source.get("item") or "")
    masked = bool(field.get("masked")) or item.endswith("my_number")
    display = str(field["display"])
    if masked and not field.get("masked"):
        display = hint(display) if display else MASK
    return ShownField(str(field["label"]), display, provenance(source, catalog, lang), masked)
