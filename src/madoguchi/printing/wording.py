"""How receipts and printed forms say things in Japanese: 和暦 dates and times, names from the catalog,
whom an application is for, and where each value came from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from madoguchi.catalog.errors import DepartmentNotFound
from madoguchi.catalog.models import Catalog
from madoguchi.intake.cosign import ROLE_NAMES
from madoguchi.prefill.display import full_name

EVENT_PEOPLE = {"newborn": "お生まれになったお子さん", "spouse": "配偶者"}
"""Whom an application is for when that person is not in the hub yet (``guidance`` subject references)."""


def department_name(catalog: Catalog, department_id: str) -> tuple[str, str | None]:
    """The department's name and its counter (where a resident goes); the id when the catalog lacks it."""
    try:
        department = catalog.department(department_id)
    except DepartmentNotFound:
        return department_id, None
    return department.name.ja, department.counter.ja if department.counter else None


def subject_label(subject: str, fields: Sequence[Mapping[str, Any]]) -> str:
    """Whom the application is for: the person's name as the hub gave it to the form, or who they are
    in the event (the newborn, the N-th person moving in)."""
    if subject in EVENT_PEOPLE:
        return EVENT_PEOPLE[subject]
    if subject.startswith("mover:"):
        return f"転入するかた（{subject.removeprefix('mover:')}人目）"
    names = {str((f.get("source") or {}).get("item")): f.get("display") for f in fields
             if (f.get("source") or {}).get("person") == subject}
    if names.get("family_name") or names.get("given_name"):
        return full_name(names.get("family_name"), names.get("given_name"))
    return "世帯のかた"


def signer_name(role: str, position: int, of: int) -> str:
    """配偶者, or 証人1 and 証人2 where a role has more than one signer."""
    return ROLE_NAMES.get(role, role) + (str(position) if of > 1 else "")
