"""Checking a catalog file against the JSON Schema, every error with its line.

jsonschema's messages name a JSON path; a staff member editing YAML wants the
line and plain words, so the usual cases (an unknown field, a missing field,
a field that does not belong with another) are reworded and pinned to the
line of the key concerned.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any, Literal

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from madoguchi.catalog.document import Document, Path_
from madoguchi.catalog.errors import Problem

FileKind = Literal["departments", "calendar", "tables", "certificates", "procedure", "event"]


@cache
def catalog_schema() -> dict[str, Any]:
    """The catalog's JSON Schema (draft 2020-12), shipped with the package."""
    text = resources.files("madoguchi.catalog").joinpath("schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(kind: FileKind) -> Draft202012Validator:
    schema = {**catalog_schema(), "$ref": f"#/$defs/{kind}_file"}
    return Draft202012Validator(schema, format_checker=FormatChecker())


def schema_problems(document: Document, kind: FileKind) -> list[Problem]:
    """Every way the document breaks the schema of its kind (empty when it holds)."""
    problems: dict[Problem, None] = {}  # jsonschema reports a missing field once per required name
    for error in _validator(kind).iter_errors(document.data):
        problems.update(dict.fromkeys(_explain(document, error)))
    return list(problems)


def _explain(document: Document, error: ValidationError) -> Iterator[Problem]:
    if error.context:
        deepest = best_match(error.context)
        if deepest is not None:
            error = deepest
    path: Path_ = tuple(error.absolute_path)
    where = _dotted(path)
    prefix = f"{where}: " if where else ""
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        for key in error.instance:
            if key not in allowed:
                yield document.problem((*path, key), f"{prefix}unknown field {key!r}")
        return
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        for name in missing:
            yield document.problem(path, f"{prefix}missing required field {name!r}")
        return
    if error.validator == "not" and isinstance(error.instance, dict):
        forbidden = [name for name in _required_names(error.validator_value) if name in error.instance]
        for name in forbidden:
            yield document.problem((*path, name), f"{prefix}{name!r} does not belong here")
        if forbidden:
            return
    yield document.problem(path, f"{prefix}{error.message}")


def _required_names(schema: Any) -> list[str]:
    """The property names a ``not`` schema forbids (its ``required`` lists, nested in anyOf)."""
    if not isinstance(schema, dict):
        return []
    names = list(schema.get("required", []))
    for sub in schema.get("anyOf", []):
        names += _required_names(sub)
    return names


def _dotted(path: Path_) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text
