"""Filled forms and bundles as they cross the boundary (``madoguchi prefill --json``, the API)."""

from __future__ import annotations

from pydantic import BaseModel, Field, JsonValue

from madoguchi.guidance.schemas import Plan


class Choice(BaseModel):
    value: str
    label: str


class FilledField(BaseModel):
    id: str
    label: str
    type: str
    required: bool
    options: list[Choice] = Field(default_factory=list)
    value: JsonValue = Field(default=None, description="The value as data: an ISO date, the address's parts, …")
    display: str | None = Field(default=None, description="The value shown the Japanese way "
                                                          "(和暦, full-width katakana, 〒 and address).")
    source: dict[str, JsonValue] | None = Field(default=None, description=(
        'Where the value comes from: {"system": "juki", "as_of": "YYYY-MM-DD", "person", "item"}, '
        '{"answer": "<question>"}, {"event_date": true}, or {"certificate": "<kind>", "claim": "<claim>"} '
        "(to type until digital certificates arrive); with `shared_from` when another form of the "
        "bundle gave it."))
    must_type: bool = False
    why: str | None = Field(default=None, description="Why the resident must type it.")
    shared: str | None = Field(default=None, description="The key of a value asked once per bundle.")
    input: str | None = Field(default=None, description="In a bundle: the input that fills it.")
    paper_chars: int


class FilledForm(BaseModel):
    procedure: str
    name: str
    subject: str
    department: str
    department_name: str
    fields: list[FilledField] = Field(description="Every field shown; those a `shown_when` rule hides "
                                                  "are listed in `hidden`.")
    hidden: list[str]


class InputTarget(BaseModel):
    procedure: str
    subject: str
    field: str


class BundleInput(BaseModel):
    """One value the resident gives for the bundle: a shared value once, or one field."""

    key: str = Field(description="The shared key (with the person it is about when that is not its "
                                 "prefix), or `<procedure>/<subject>/<field>`.")
    shared: str | None
    label: str
    type: str
    options: list[Choice] = Field(default_factory=list)
    required: bool
    typing: bool = Field(description="Typed character by character (text, kana, numbers, dates, "
                                     "addresses, accounts); false for a choice (select, bool, person).")
    certificate: str | None = Field(default=None, description="The certificate kind it is copied from; "
                                                              "prefilled once digital certificates arrive.")
    why: str
    paper_chars: int = Field(description="Characters written for it on paper (the largest of its fields).")
    fields: list[InputTarget]


class FilledBundle(BaseModel):
    plan: Plan
    forms: list[FilledForm]
    inputs: list[BundleInput] = Field(description="What the resident still gives, each shared value once.")
    paper_chars: int = Field(description="The paper baseline of the plan: characters written on paper.")
