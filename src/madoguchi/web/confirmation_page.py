"""The confirmation page of a draft: every prefilled value with its source, and the values the resident gives.

Built from the draft as ``show_draft`` gives it (sensitive values masked) and
the values kept so far. A prefilled value is shown, never an input: the
intake takes the forms from the server-side draft, so a value the hub gave
cannot be replaced from the page (docs/intake.md); the page says whom to ask
when it is wrong. Only the draft's ``inputs`` are asked — each shared value
once, with its label and why it is asked — and each is kept in the draft as
soon as it is given, so the resident can stop and come back. A choice the
bundle makes obvious (``answer_defaults.default_values``) comes chosen, with
its reason. Where a form needs a certificate, the page offers to hand over the
digital one (``certificates``); once it is verified, what it says is shown as
prefilled, with the issuer as its source.

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
from madoguchi.guidance.language import say
from madoguchi.intake.sealed_fields import MASK, hint
from madoguchi.intake.values import Checked
from madoguchi.prefill.shared import CHOSEN
from madoguchi.web.answer_defaults import Default
from madoguchi.web.i18n import N_, as_lang, gettext
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
    chosen: str | None = None
    """Why the value shown was chosen for the resident (a default), as a message id; None when given."""
    typing: bool = True
    """Typed character by character; a choice (a radio, a checkbox) shows by itself that it is kept."""

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
    verified_by: str | None = None
    """The issuer of the digital certificate attached, verified; None for a photo or PDF."""

    @property
    def dom_id(self) -> str:
        return f"evidence-{self.procedure}-{self.subject}-{self.key}".replace(":", "-")


@dataclass(frozen=True)
class CertificateView:
    """A kind of certificate the bundle asks for: to hand over from the wallet, or handed over."""

    kind: str
    name: str
    verified_by: str | None
    """The issuer of the one handed over and verified; None until then."""


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
    certificates: list[CertificateView]

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
                      defaults: Mapping[str, Default] | None = None,
                      verified_by: Mapping[tuple[str, str, str], str] | None = None,
                      submitted: Mapping[str, JsonValue] | None = None, errors: Mapping[str, str] | None = None,
                      evidence_errors: Mapping[str, str] | None = None) -> ConfirmationPage:
    """The page of a draft (``DraftView.to_json()``) with the values ``given`` so far and the files attached.

    An input not given yet shows its default, if it has one. A value just
    ``submitted`` is shown as the resident wrote it, kept or not (a refused
    one, to fix it). ``verified_by`` names the issuer of each digital
    certificate attached.
    """
    lang = str(draft["plan"]["lang"])
    errors = errors or {}
    people = [Choice(p, person_label(p, applicant=draft["applicant"], names=names, lang=lang))
              for p in draft["people"]]
    inputs = [input_view(i, entry, lang, catalog, people, given.get(entry["key"]), errors.get(entry["key"]),
                         (submitted or {}).get(entry["key"]), (defaults or {}).get(entry["key"]))
              for i, entry in enumerate(draft["inputs"])]
    forms = [_form_view(form, str(draft["applicant"]), lang, catalog, names) for form in draft["forms"]]
    evidence = [EvidenceView(form["procedure"], form["subject"], need["key"], need["name"], form["name"],
                             need["required"], need["certificate"], attached.get(where),
                             (evidence_errors or {}).get("/".join(where)), (verified_by or {}).get(where))
                for form in draft["forms"] for need in form["evidence"]
                for where in [(form["procedure"], form["subject"], need["key"])]]
    return ConfirmationPage(str(draft["draft_id"]), lang, str(draft["event"]), inputs, forms, evidence,
                            certificates_of(draft, catalog, verified_by=verified_by or {}))


def input_view(index: int, entry: Mapping[str, Any], lang: str, catalog: Catalog, people: list[Choice],
               given: Checked | None, error: str | None, submitted: JsonValue = None,
               default: Default | None = None) -> InputView:
    """One input (a draft's ``inputs`` entry) with the value given so far, or its default; labels in ``lang``."""
    kind = str(entry["type"])
    options = people if kind in ("person", "persons") else [Choice(o["value"], o["label"]) for o in entry["options"]]
    used_on = list(dict.fromkeys(procedure_name(catalog, f["procedure"], lang) for f in entry["fields"]))
    chosen = None
    value: JsonValue
    shown: str | None
    if submitted is not None and kind != "account":
        value, shown = submitted, given.display if given is not None else None
    elif given is None:
        value, shown = (default.value, None) if default is not None else (None, None)
        chosen = default.reason if default is not None else None
    elif kind == "account":  # kept sealed: the page says it is there, never what it is
        value, shown = None, hint(given.value)
    else:
        value, shown = given.value, given.display
    return InputView(index, str(entry["key"]), str(entry["label"]), kind, bool(entry["required"]),
                     str(entry["why"]), entry.get("certificate"), options, used_on, value, shown, error, chosen,
                     kind not in CHOSEN)


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
    """A prefilled value as shown, with its source (a certificate's issuer too): a My Number by its last
    digits only, however the draft holds it."""
    source = field.get("source") or {}
    item = str(source.get("item") or "")
    masked = bool(field.get("masked")) or item.endswith("my_number")
    display = str(field["display"])
    if masked and not field.get("masked"):
        display = hint(display) if display else MASK
    origin = provenance(source, catalog, lang)
    if source.get("certificate") and source.get("issuer"):
        origin = gettext(lang, "%(certificate)s issued by %(issuer)s") % {"certificate": origin,
                                                                          "issuer": source["issuer"]}
    return ShownField(str(field["label"]), display, origin, masked)


def certificates_of(draft: Mapping[str, Any], catalog: Catalog, *,
                    verified_by: Mapping[tuple[str, str, str], str]) -> list[CertificateView]:
    """The kinds of certificate the draft's forms ask for as evidence, each with the issuer of the one handed
    over (``verified_by``, by procedure, subject and evidence). A form filled from a certificate asks for it."""
    lang = as_lang(str(draft["plan"]["lang"]))
    issuers: dict[str, str | None] = {}
    for form in draft["forms"]:
        for need in form["evidence"]:
            kind = need["certificate"]
            if kind in catalog.certificates:
                issuers[kind] = issuers.get(kind) or verified_by.get((form["procedure"], form["subject"],
                                                                      need["key"]))
    return [CertificateView(kind, say(catalog.certificates[kind].name, lang), issuer)
            for kind, issuer in issuers.items()]
