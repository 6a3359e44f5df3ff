"""Checks across catalog files, after each file has passed the schema.

Every reference must resolve (department, procedure, table, certificate
claim, question, hub item), every id be unique where it is looked up, and a
procedure may read only hub items that exist — the My Number only with a
番号法 basis. Each fault names the file and line it is about.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from madoguchi.catalog.document import Document, Path_
from madoguchi.catalog.errors import Problem
from madoguchi.catalog.rulescan import rule_reads
from madoguchi.registry.items import ITEMS
from madoguchi.registry.purpose import check_item_access
from madoguchi.rules import check_rule
from madoguchi.rules.vocabulary import Kind

HUB_ROOTS = ("subject", "applicant")
"""Prefill roots that are always a person: the application's subject and its applicant."""

SELECTOR_QUESTIONS: Mapping[str, tuple[str, frozenset[str]]] = {
    "deceased": ("deceased", frozenset({"person"})),
    "mother": ("mother", frozenset({"person"})),
    "claimant": ("claimant", frozenset({"person"})),
    "person": ("person", frozenset({"person"})),
    "former_spouse": ("former_spouse", frozenset({"person"})),
    "spouse": ("spouse", frozenset({"person"})),
    "persons": ("persons", frozenset({"persons"})),
    "movers": ("movers", frozenset({"movers", "persons"})),
    "household_except_deceased": ("deceased", frozenset({"person"})),
}
"""Subject selectors that range over an answer: the question (id, types) they need."""

ANSWER_TYPES: Mapping[Kind, frozenset[str]] = {
    Kind.BOOL: frozenset({"bool"}),
    Kind.STRING: frozenset({"enum", "text", "person", "date"}),
    Kind.INT: frozenset(),
}
"""The question types whose answers can be used as each kind of value in a rule."""

TEXT_TYPES = frozenset({"text", "kana"})
PERSON_FIELD_TYPES = frozenset({"person", "persons"})


@dataclass
class Folder:
    """The documents of a catalog folder that passed the schema, and every id seen at all.

    ``known`` also holds ids of files that failed the schema, so one broken
    file does not make every reference to it an error too.
    """

    departments: Document | None = None
    calendar: Document | None = None
    tables: Document | None = None
    certificates: Document | None = None
    procedures: dict[str, Document] = field(default_factory=dict)
    events: dict[str, Document] = field(default_factory=dict)
    known: dict[str, set[str]] = field(default_factory=lambda: {
        "department": set(), "table": set(), "certificate": set(), "procedure": set()})

    @cached_property
    def claims(self) -> dict[str, set[str]]:
        """Certificate claims by prefill root (``birth_certificate`` → {``birth_time``, …})."""
        if self.certificates is None:
            return {}
        return {c["id"].replace("-", "_"): {claim["id"] for claim in c["claims"]}
                for c in self.certificates.data["certificates"]}

    def income_tables(self) -> set[str] | None:
        """Ids of the tables keyed by dependents (``income_limit``); None when tables.yaml is broken."""
        if self.tables is None:
            return None
        return {t["id"] for t in self.tables.data["tables"] if t["key"] == "dependents"}

    def events_listing(self, procedure_id: str) -> list[dict[str, Any]]:
        return [e.data for e in self.events.values()
                if any(entry["procedure"] == procedure_id for entry in e.data["procedures"])]


def cross_problems(folder: Folder) -> list[Problem]:
    problems: list[Problem] = []
    for doc, list_key, what in ((folder.departments, "departments", "department"),
                                (folder.tables, "tables", "table"),
                                (folder.certificates, "certificates", "certificate kind")):
        if doc is not None:
            problems += _duplicates(doc, (list_key,), doc.data[list_key], what)
    if folder.certificates is not None:
        for i, kind in enumerate(folder.certificates.data["certificates"]):
            problems += _duplicates(folder.certificates, ("certificates", i, "claims"), kind["claims"], "claim")
    if folder.calendar is not None:
        problems += _calendar_problems(folder.calendar)
    shared: dict[str, tuple[str, tuple[str, ...]]] = {}
    for procedure_id, doc in folder.procedures.items():
        problems += _procedure_problems(folder, procedure_id, doc, shared)
    for event_id, doc in folder.events.items():
        problems += _event_problems(folder, event_id, doc)
    income_tables = folder.income_tables()
    for doc, path, rule, events, procedure in _rules(folder):
        problems += [doc.problem(path, f"rule: {message}")
                     for message in check_rule(rule, tables=income_tables)]
        target = folder.procedures.get(procedure) if procedure is not None else None
        reads = target.data["reads"] if target is not None else None
        problems += _rule_reference_problems(doc, path, rule, events, reads, procedure)
    return problems


def _duplicates(doc: Document, path: Path_, entries: Sequence[Mapping[str, Any]], what: str,
                key: str = "id") -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for i, entry in enumerate(entries):
        if entry[key] in seen:
            problems.append(doc.problem((*path, i, key), f"duplicate {what} {key} {entry[key]!r}"))
        seen.add(entry[key])
    return problems


def _calendar_problems(doc: Document) -> list[Problem]:
    problems = []
    for i, day in enumerate(doc.data["closed_every_year"]):
        try:
            date.fromisoformat(f"2000-{day}")  # a leap year: 02-29 is a day
        except ValueError:
            problems.append(doc.problem(("closed_every_year", i), f"{day!r} is not a day of the year"))
    for i, day in enumerate(doc.data["closed_dates"]):
        try:
            date.fromisoformat(day)
        except ValueError:
            problems.append(doc.problem(("closed_dates", i), f"{day!r} is not a date"))
    return problems


def _stem_problem(doc: Document, id_: str) -> list[Problem]:
    stem = doc.file.rsplit("/", 1)[-1].removesuffix(".yaml")
    if stem != id_:
        return [doc.problem(("id",), f"the id {id_!r} must match the file name ({stem}.yaml)")]
    return []


def _procedure_problems(folder: Folder, procedure_id: str, doc: Document,
                        shared: dict[str, tuple[str, tuple[str, ...]]]) -> list[Problem]:
    data = doc.data
    problems = _stem_problem(doc, procedure_id)
    if data["department"] not in folder.known["department"]:
        problems.append(doc.problem(("department",), f"unknown department {data['department']!r}"))
    for i, item in enumerate(data["reads"]):
        problems += [doc.problem(("reads", i), message)
                     for message in check_item_access([item], data["my_number_basis"])]
    fields = data["form"]["fields"]
    problems += _duplicates(doc, ("form", "fields"), fields, "field")
    events = folder.events_listing(procedure_id)
    for i, form_field in enumerate(fields):
        path: Path_ = ("form", "fields", i)
        problems += _field_problems(folder, doc, path, form_field, events)
        if "shared" in form_field:
            signature = (form_field["type"], tuple(o["value"] for o in form_field.get("options", [])))
            first = shared.setdefault(form_field["shared"], signature)
            if first != signature:
                problems.append(doc.problem((*path, "shared"), (
                    f"shared key {form_field['shared']!r} is used by fields of another type or options "
                    f"({first[0]} elsewhere, {signature[0]} here): a shared value is asked once, so "
                    f"its fields must agree")))
    for i, evidence in enumerate(data["evidence"]):
        if "certificate" in evidence and evidence["certificate"] not in folder.known["certificate"]:
            problems.append(doc.problem(("evidence", i, "certificate"),
                                        f"unknown certificate kind {evidence['certificate']!r}"))
    return problems


def _field_problems(folder: Folder, doc: Document, path: Path_, form_field: Mapping[str, Any],
                    events: list[dict[str, Any]]) -> list[Problem]:
    problems = []
    if ("prefill" in form_field) == ("typed" in form_field):
        problems.append(doc.problem(path, (
            f"field {form_field['id']!r}: give either prefill (where the value comes from) or "
            "typed (why the resident must type it), one of the two")))
    if "prefill" in form_field:
        message = _prefill_problem(folder, doc.data["reads"], form_field, events)
        if message is not None:
            problems.append(doc.problem((*path, "prefill"), message))
    validation = form_field.get("validation", {})
    for key in validation:
        fits = (form_field["type"] in TEXT_TYPES if key in ("pattern", "min_length", "max_length")
                else form_field["type"] == "number")
        if not fits:
            problems.append(doc.problem((*path, "validation", key),
                                        f"{key} does not apply to a {form_field['type']} field"))
    if "options" in form_field:
        problems += _duplicates(doc, (*path, "options"), form_field["options"], "option", key="value")
    return problems


def _prefill_problem(folder: Folder, reads: Sequence[str], form_field: Mapping[str, Any],
                     events: list[dict[str, Any]]) -> str | None:
    prefill: str = form_field["prefill"]
    root, *rest = prefill.split(".")
    if prefill == "event_date":
        return None
    if root == "answers":
        if not rest:
            return "prefill 'answers' needs a question: answers.<question id>"
        if not any(_question(e, rest[0]) for e in events):
            return _no_question_message(rest[0], events)
        return None
    if root in folder.claims:
        if not rest or rest[0] not in folder.claims[root]:
            return f"{prefill!r}: certificates.yaml declares no such claim of {root.replace('_', '-')!r}"
        return None
    person_roots = {q["id"] for e in events for q in e["questions"] if q["type"] == "person"}
    if root not in HUB_ROOTS and root not in person_roots:
        return (f"unknown prefill source {root!r}: use subject, applicant, a person question of "
                "an event listing this procedure, answers.<question>, event_date or a certificate")
    if not rest:
        if form_field["type"] not in PERSON_FIELD_TYPES:
            return f"{root!r} names a person: only a person field takes it, else name an item"
        return None
    item = rest[0]
    if item not in ITEMS:
        return f"unknown item {item!r}"
    if item not in reads:
        return f"prefill reads the item {item!r}, which the procedure does not list in reads"
    return None


def _question(event: Mapping[str, Any], question_id: str) -> Mapping[str, Any] | None:
    return next((q for q in event["questions"] if q["id"] == question_id), None)


def _no_question_message(question_id: str, events: list[dict[str, Any]]) -> str:
    if not events:
        return f"answers.{question_id}: no life event lists this procedure, so no answer is ever given"
    names = ", ".join(e["id"] for e in events)
    return f"answers.{question_id}: no life event listing this procedure ({names}) asks {question_id!r}"


def _event_problems(folder: Folder, event_id: str, doc: Document) -> list[Problem]:
    data = doc.data
    problems = _stem_problem(doc, event_id)
    problems += _duplicates(doc, ("questions",), data["questions"], "question")
    for i, question in enumerate(data["questions"]):
        if "options" in question:
            problems += _duplicates(doc, ("questions", i, "options"), question["options"], "option",
                                    key="value")
        if "fields" in question:
            problems += _duplicates(doc, ("questions", i, "fields"), question["fields"], "mover field")
    listed = {entry["procedure"] for entry in data["procedures"]}
    for i, entry in enumerate(data["procedures"]):
        path: Path_ = ("procedures", i)
        if entry["procedure"] not in folder.known["procedure"]:
            problems.append(doc.problem((*path, "procedure"), f"unknown procedure {entry['procedure']!r}"))
        if entry["subjects"] in SELECTOR_QUESTIONS:
            question_id, types = SELECTOR_QUESTIONS[entry["subjects"]]
            question = _question(data, question_id)
            if question is None or question["type"] not in types:
                problems.append(doc.problem((*path, "subjects"), (
                    f"subjects {entry['subjects']!r} needs a question {question_id!r} of type "
                    f"{' or '.join(sorted(types))}")))
        problems += _deadline_problems(doc, (*path, "deadline"), entry["deadline"], listed)
    return problems


def _deadline_problems(doc: Document, path: Path_, deadline: Any, listed: set[str]) -> list[Problem]:
    if not isinstance(deadline, dict):
        return []
    if "with" in deadline and deadline["with"] not in listed:
        return [doc.problem((*path, "with"),
                            f"deadline with {deadline['with']!r}: that procedure is not listed in this event")]
    start = deadline.get("from", "event_date")
    if start.startswith("answers."):
        question = _question(doc.data, start.removeprefix("answers."))
        if question is None or question["type"] != "date":
            return [doc.problem((*path, "from"), f"deadline from {start!r}: this event asks no such date")]
    return []


RuleSite = tuple[Document, Path_, str, list[dict[str, Any]], str | None]
"""A rule, where it is, the events whose answers it may read, and the procedure it decides for."""


def _rules(folder: Folder) -> Iterator[RuleSite]:
    for doc in folder.events.values():
        for i, entry in enumerate(doc.data["procedures"]):
            yield doc, ("procedures", i, "applies_when"), entry["applies_when"], [doc.data], entry["procedure"]
        for i, automatic in enumerate(doc.data.get("automatic", [])):
            if "applies_when" in automatic:
                yield doc, ("automatic", i, "applies_when"), automatic["applies_when"], [doc.data], None
        for i, question in enumerate(doc.data["questions"]):
            if "asked_when" in question:
                yield doc, ("questions", i, "asked_when"), question["asked_when"], [doc.data], None
    for procedure_id, doc in folder.procedures.items():
        events = folder.events_listing(procedure_id)
        for i, form_field in enumerate(doc.data["form"]["fields"]):
            if "shown_when" in form_field:
                yield doc, ("form", "fields", i, "shown_when"), form_field["shown_when"], events, procedure_id
        lists: tuple[tuple[Path_, list[dict[str, Any]]], ...] = (
            (("evidence",), doc.data["evidence"]), (("signers", "required"), doc.data["signers"]["required"]))
        for where, entries in lists:
            for i, entry in enumerate(entries):
                if "required_when" in entry:
                    yield doc, (*where, i, "required_when"), entry["required_when"], events, procedure_id


def _rule_reference_problems(doc: Document, path: Path_, rule: str, events: list[dict[str, Any]],
                             reads: Sequence[str] | None, procedure: str | None) -> list[Problem]:
    """The answers, persons and hub items a rule reads must exist where it runs."""
    found = rule_reads(rule)
    if found is None:
        return []  # check_rule has said why it does not compile
    problems = []
    for question_id, kind in sorted(found.answers.items()):
        questions = [q for e in events if (q := _question(e, question_id)) is not None]
        if not questions:
            problems.append(doc.problem(path, _no_question_message(question_id, events)))
        elif kind is not None and not any(q["type"] in ANSWER_TYPES[kind] for q in questions):
            problems.append(doc.problem(path, (
                f"answers.{question_id} is used as {kind.value}, but the question is of type "
                f"{questions[0]['type']}")))
    for person in found.persons:
        if not any(_question(e, person) for e in events):
            problems.append(doc.problem(path, f"{person!r} is the member the answer {person!r} names, "
                                              "and no life event here asks it"))
    missing = sorted(found.items - set(reads)) if reads is not None else []
    if missing:
        problems.append(doc.problem(path, (
            f"the rule reads the hub item{'s' if len(missing) > 1 else ''} {', '.join(missing)}, "
            f"which the procedure {procedure!r} does not list in reads")))
    return problems
