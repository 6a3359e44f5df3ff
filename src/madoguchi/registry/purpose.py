"""The purpose registry (利用目的): why a read happens, which items it may read, on what legal basis.

The registry is catalog data (``purposes.yaml`` in the catalog folder). It
holds static purposes (``self-view``, ``audit``) and templates resolved at run
time against the procedures the catalog defines:

* ``procedure:<id>`` and ``screening:<id>`` — the items, legal basis and
  My Number basis the procedure declares;
* ``review:<department>`` — the union of the items of that department's
  procedures;
* ``guidance:<event id>`` — the navigator's read of a household for a life
  event: the items the template lists (the facts the rules need), for an event
  the catalog defines.

The catalog answers through the small ``ProcedureDirectory`` protocol, so the
registry does not depend on how procedures and events are defined.

A purpose reads the My Number only with a 番号法 basis (第9条第1項 別表, or
第9条第2項 and the city's 条例): without one the item is dropped, whatever
the purpose lists — except that ``self-view`` shows it masked (last four
digits), so the resident can tell which number the city holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from madoguchi.actor import ActorKind
from madoguchi.registry.errors import PurposeUnknown
from madoguchi.registry.items import ITEMS, MY_NUMBER, unknown_items

PURPOSES_FILE = "purposes.yaml"
INTERNAL_USE = "個人情報保護法第69条第2項第2号（法令の定める所掌事務の遂行に必要な限度での内部利用）"
"""The default legal basis of a procedure that names none."""

MyNumberAccess = Literal["full", "masked", "none"]


@dataclass(frozen=True)
class ProcedureAccess:
    """What a procedure's definition says about reading the hub."""

    id: str
    name_ja: str
    name_en: str
    department: str
    items: frozenset[str]
    legal_basis: str | None = None
    """The 個人情報保護法 basis of the use; None means internal use (第69条第2項第2号)."""
    my_number_basis: str | None = None
    """The 番号法 basis (別表 entry or 条例), or None: then the My Number is never read."""


@dataclass(frozen=True)
class EventAccess:
    """A life event as the ``guidance:<event id>`` purpose names it."""

    id: str
    name_ja: str
    name_en: str


class ProcedureDirectory(Protocol):
    """What the registry asks the catalog."""

    def procedure_access(self, procedure_id: str) -> ProcedureAccess | None: ...

    def department_procedures(self, department: str) -> Sequence[ProcedureAccess]: ...

    def event_access(self, event_id: str) -> EventAccess | None: ...


@dataclass(frozen=True)
class ProcedureList:
    """A directory over fixed lists of procedures and events (tests, benchmarks, and the empty default)."""

    procedures: tuple[ProcedureAccess, ...] = ()
    events: tuple[EventAccess, ...] = ()

    def procedure_access(self, procedure_id: str) -> ProcedureAccess | None:
        return next((p for p in self.procedures if p.id == procedure_id), None)

    def event_access(self, event_id: str) -> EventAccess | None:
        return next((e for e in self.events if e.id == event_id), None)

    def department_procedures(self, department: str) -> Sequence[ProcedureAccess]:
        return [p for p in self.procedures if p.department == department]


NO_PROCEDURES = ProcedureList()


@dataclass(frozen=True)
class Purpose:
    id: str
    name_ja: str
    name_en: str
    legal_basis: str
    my_number_basis: str | None
    items: frozenset[str]
    """The items as declared; what may actually be read is ``readable_items``."""
    actor_kinds: frozenset[ActorKind]
    my_number_masked: bool = False
    department: str | None = None
    """For ``review:<department>``: only that department's staff and systems may use it."""

    @property
    def my_number_access(self) -> MyNumberAccess:
        if MY_NUMBER not in self.items:
            return "none"
        if self.my_number_basis:
            return "full"
        return "masked" if self.my_number_masked else "none"

    @property
    def readable_items(self) -> frozenset[str]:
        """The declared items that exist, less the My Number where it may not be read."""
        readable = self.items & ITEMS.keys()
        return readable - {MY_NUMBER} if self.my_number_access == "none" else readable


def check_item_access(items: Iterable[str], my_number_basis: str | None, *,
                      my_number_masked: bool = False) -> list[str]:
    """What is wrong with the items a purpose or a procedure declares (empty when nothing).

    Unknown item names, and the My Number without a 番号法 basis. The catalog's
    validation calls this for every procedure.
    """
    names = frozenset(items)
    problems = [f"unknown item {name!r}" for name in unknown_items(names)]
    if MY_NUMBER in names and not my_number_basis and not my_number_masked:
        problems.append("reads my_number without a 番号法 basis (my_number_basis)")
    return problems


@dataclass(frozen=True)
class PurposeTemplate:
    kind: str
    name_ja: str
    """A format string with {name_ja}/{name_en} (procedure, guidance) or {department} (review)."""
    name_en: str
    actor_kinds: frozenset[ActorKind]
    legal_basis: str
    items: frozenset[str] = frozenset()
    """The items of ``guidance``, which the template fixes; the others take their procedures'."""


@dataclass(frozen=True)
class PurposeRegistry:
    purposes: Mapping[str, Purpose]
    templates: Mapping[str, PurposeTemplate]
    procedures: ProcedureDirectory = field(default=NO_PROCEDURES)

    def resolve(self, purpose_id: str) -> Purpose:
        """The purpose of that id; raises PurposeUnknown."""
        if purpose_id in self.purposes:
            return self.purposes[purpose_id]
        kind, _, argument = purpose_id.partition(":")
        template = self.templates.get(kind)
        if template is None or not argument:
            raise PurposeUnknown(f"{purpose_id!r} is not a purpose; known: {', '.join(self.known())}")
        if kind == "review":
            return self._review(template, argument)
        if kind == "guidance":
            return self._guidance(template, argument)
        procedure = self.procedures.procedure_access(argument)
        if procedure is None:
            raise PurposeUnknown(f"the catalog has no procedure {argument!r}")
        return Purpose(
            id=purpose_id,
            name_ja=template.name_ja.format(name_ja=procedure.name_ja, name_en=procedure.name_en),
            name_en=template.name_en.format(name_ja=procedure.name_ja, name_en=procedure.name_en),
            legal_basis=procedure.legal_basis or template.legal_basis,
            my_number_basis=procedure.my_number_basis,
            items=procedure.items,
            actor_kinds=template.actor_kinds,
        )

    def _review(self, template: PurposeTemplate, department: str) -> Purpose:
        procedures = self.procedures.department_procedures(department)
        if not procedures:
            raise PurposeUnknown(f"the catalog has no procedure of the department {department!r}")
        items: set[str] = set()
        bases: list[str] = []
        for procedure in procedures:
            items |= procedure.items - {MY_NUMBER}
            if MY_NUMBER in procedure.items and procedure.my_number_basis:
                items.add(MY_NUMBER)
                bases.append(procedure.my_number_basis)
        return Purpose(
            id=f"review:{department}",
            name_ja=template.name_ja.format(department=department),
            name_en=template.name_en.format(department=department),
            legal_basis=template.legal_basis,
            my_number_basis="; ".join(dict.fromkeys(bases)) or None,
            items=frozenset(items),
            actor_kinds=template.actor_kinds,
            department=department,
        )

    def _guidance(self, template: PurposeTemplate, event_id: str) -> Purpose:
        event = self.procedures.event_access(event_id)
        if event is None:
            raise PurposeUnknown(f"the catalog has no life event {event_id!r}")
        return Purpose(
            id=f"guidance:{event_id}",
            name_ja=template.name_ja.format(name_ja=event.name_ja, name_en=event.name_en),
            name_en=template.name_en.format(name_ja=event.name_ja, name_en=event.name_en),
            legal_basis=template.legal_basis,
            my_number_basis=None,
            items=template.items,
            actor_kinds=template.actor_kinds,
        )

    def known(self) -> list[str]:
        return [*self.purposes, *(f"{kind}:…" for kind in self.templates)]

    def is_pattern(self, pattern: str) -> bool:
        """Whether a client's purpose pattern can match anything: a static id or ``<template>:…``."""
        kind, colon, argument = pattern.partition(":")
        return pattern in self.purposes or (kind in self.templates and bool(colon) and bool(argument))


class _Name(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ja: str
    en: str


class _PurposeEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: _Name
    legal_basis: str
    my_number_basis: str | None = None
    my_number: Literal["masked"] | None = None
    actors: list[ActorKind]
    items: list[str] | Literal["all"]


class _TemplateEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["procedure", "screening", "review", "guidance"]
    name: _Name
    legal_basis: str = INTERNAL_USE
    actors: list[ActorKind]
    items: list[str] | None = None


class _PurposesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    purposes: list[_PurposeEntry]
    templates: list[_TemplateEntry]


class PurposesInvalid(Exception):
    """The purposes file cannot be used; the message lists every problem."""


def shipped_catalog() -> Path:
    """The catalog folder shipped at the project's root."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "catalog").is_dir() and (parent / "pyproject.toml").exists():
            return parent / "catalog"
    return Path.cwd() / "catalog"


def load_purposes(catalog: Path | None, procedures: ProcedureDirectory = NO_PROCEDURES) -> PurposeRegistry:
    """Read ``purposes.yaml`` from the catalog folder (None: the shipped one); raises PurposesInvalid."""
    path = (catalog or shipped_catalog()) / PURPOSES_FILE
    try:
        document = _PurposesFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise PurposesInvalid(f"{path.name}: {exc}") from exc
    problems: list[str] = []
    purposes: dict[str, Purpose] = {}
    for entry in document.purposes:
        items = frozenset(ITEMS) if entry.items == "all" else frozenset(entry.items)
        problems += [f"{entry.id}: {p}" for p in check_item_access(
            items, entry.my_number_basis, my_number_masked=entry.my_number == "masked")]
        if ":" in entry.id or entry.id in purposes:
            problems.append(f"{entry.id}: ids are unique and have no ':' (kept for templates)")
        purposes[entry.id] = Purpose(
            id=entry.id, name_ja=entry.name.ja, name_en=entry.name.en, legal_basis=entry.legal_basis,
            my_number_basis=entry.my_number_basis, items=items, actor_kinds=frozenset(entry.actors),
            my_number_masked=entry.my_number == "masked")
    for template in document.templates:
        if (template.items is None) != (template.kind != "guidance"):
            problems.append(f"template {template.kind}: items are listed for guidance, and only there")
        problems += [f"template {template.kind}: {p}" for p in check_item_access(template.items or (), None)]
    templates: dict[str, PurposeTemplate] = {
        t.kind: PurposeTemplate(t.kind, t.name.ja, t.name.en, frozenset(t.actors), t.legal_basis,
                                frozenset(t.items or ()))
        for t in document.templates}
    if len(templates) != len(document.templates):
        problems.append("a template kind appears twice")
    if problems:
        raise PurposesInvalid(f"{path.name}: " + "; ".join(problems))
    return PurposeRegistry(purposes, templates, procedures)
