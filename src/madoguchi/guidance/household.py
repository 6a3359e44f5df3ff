"""The household as the rules see it, made from the navigator's one read of the data API.

The read is ``view_person`` of the applicant for ``guidance:<event id>`` with
``GUIDANCE_ITEMS`` (``household`` brings every member the actor may see, each
with the same items). ``household_facts`` turns the view back into the plain
hub rows ``rules.build_household`` takes: the rules never see more than the
purpose let the navigator read, and members hidden by 支援措置 never appear.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import JsonValue

from madoguchi.guidance.errors import ApplicantInvalid
from madoguchi.registry.items import HOUSEHOLD
from madoguchi.registry.schemas import PersonView
from madoguchi.rules import HouseholdFacts, build_household

GUIDANCE_ITEMS = ("birth_date", "sex", "relationship", "household_number", "resident_kind", "status",
                  "nhi", "late_elderly", "ltc", "pension", "child_allowance", "tax", HOUSEHOLD)
"""The facts the rules need (docs/rules.md), never the My Number."""
RESIDENT = "1"
"""住民状態 of a person living in the city."""

Row = dict[str, Any]


def household_facts(view: PersonView, on: date) -> HouseholdFacts:
    """The applicant's household on ``on`` from the applicant's guidance view.

    Raises ApplicantInvalid when the applicant does not live in the city (moved out, deceased).
    """
    applicant = _values(view)
    if applicant["status"] != RESIDENT:
        raise ApplicantInvalid("the applicant does not live in the city (住民状態 "
                               f"{applicant['status']}): a plan is made for a resident")
    members = view.items[HOUSEHOLD].value if HOUSEHOLD in view.items else None
    people = [view, *(PersonView.model_validate(m) for m in (members if isinstance(members, list) else []))]
    tables: dict[str, list[Row]] = {name: [] for name in
                                    ("juki", "nhi", "late_elderly", "ltc", "pension", "child_allowance", "tax")}
    for person in people:
        for table, rows in _rows(person.atena_number, _values(person)).items():
            tables[table] += rows
    return build_household(view.atena_number, on, **tables)


def _values(view: PersonView) -> dict[str, JsonValue]:
    return {name: item.value for name, item in view.items.items()}


def _rows(atena: str, values: Mapping[str, JsonValue]) -> dict[str, list[Row]]:
    """One person's items as the rows of each system (``build_household``'s column names)."""
    birth = values["birth_date"]
    juki = {"atena_number": atena, "household_number": values["household_number"],
            "status": values["status"], "relationship": values["relationship"], "sex": values["sex"],
            "resident_kind": values["resident_kind"],
            "birth_date": birth.get("date") if isinstance(birth, dict) else None}
    allowance = values["child_allowance"]
    allowances = [row for role in ("as_recipient", "as_child")
                  for row in _listed(allowance.get(role) if isinstance(allowance, dict) else None)]
    return {
        "juki": [juki],
        "nhi": _record(atena, values["nhi"]),
        "late_elderly": _record(atena, values["late_elderly"]),
        "ltc": _record(atena, values["ltc"]),
        "pension": _record(atena, values["pension"]),
        "child_allowance": [{"recipient_atena": a["recipient"], "child_atena": a["child"], **a}
                            for a in allowances if isinstance(a, dict)],
        "tax": [{"atena_number": atena, **row} for row in _listed(values["tax"]) if isinstance(row, dict)],
    }


def _listed(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else []


def _record(atena: str, value: JsonValue) -> list[Row]:
    return [{"atena_number": atena, **value}] if isinstance(value, dict) else []
