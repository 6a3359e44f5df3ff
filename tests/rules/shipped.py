"""The rules of the shipped catalog, read straight from its YAML files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from madoguchi.rules.tables import IncomeTable, income_tables_from_catalog

CATALOG = Path(__file__).resolve().parents[2] / "catalog"


@dataclass(frozen=True)
class Entry:
    """An ``applies_when`` of a life event, with who its subjects are."""

    event: str
    what: str
    subjects: str
    rule: str

    @property
    def screenable(self) -> bool:
        return self.event != "move-in"


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def entries() -> list[Entry]:
    found = []
    for path in sorted(CATALOG.glob("events/*.yaml")):
        event = _load(path)
        for entry in event.get("procedures", []):
            found.append(Entry(event["id"], entry["procedure"], entry["subjects"], entry["applies_when"]))
        for automatic in event.get("automatic", []) or []:
            if "applies_when" in automatic:
                found.append(Entry(event["id"], "automatic", "applicant", automatic["applies_when"]))
    return found


def other_rules() -> list[str]:
    """Every ``shown_when``, ``required_when`` and ``asked_when`` of the catalog."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("shown_when", "required_when", "asked_when") and isinstance(value, str):
                    found.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in sorted(CATALOG.glob("*/*.yaml")):
        walk(_load(path))
    return sorted(found)


def income_tables() -> dict[str, IncomeTable]:
    path = CATALOG / "tables.yaml"
    return income_tables_from_catalog(_load(path)["tables"]) if path.exists() else {}
