"""A person's ``self-view`` as the My data page lays it out: one group per source system.

Each group names its system and the date of that system's latest export the
hub imported (和暦): every value in it is what the system said then. The
systems that hold nothing about the person are listed together, with their
dates, instead of a group of 登録なし each.
"""

from __future__ import annotations

from dataclasses import dataclass

from madoguchi.registry.items import HOUSEHOLD, ITEMS
from madoguchi.registry.schemas import PersonView
from madoguchi.web.my_data_wording import (
    ITEM_LABELS,
    NOT_HELD,
    day_text,
    person_name,
    value_lines,
)
from madoguchi.wording import SYSTEM_NAMES


@dataclass(frozen=True)
class Row:
    label: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Group:
    system: str
    as_of: str | None
    """和暦; None when the hub has no record of the system's export."""
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class PersonSheet:
    atena_number: str
    name: str
    groups: tuple[Group, ...]
    not_held: tuple[Group, ...]
    """The systems that hold nothing about the person (every row 登録なし: no record, no entries)."""


def person_sheet(view: PersonView) -> PersonSheet:
    """The view's items in the registry's order, grouped by system (the household item aside)."""
    rows: dict[str, list[Row]] = {}
    held: dict[str, bool] = {}
    as_of: dict[str, str | None] = {}
    for name, item in ITEMS.items():
        value = view.items.get(name)
        if value is None or name == HOUSEHOLD:
            continue
        lines = value_lines(name, value.value)
        rows.setdefault(item.system, []).append(Row(ITEM_LABELS[name], lines))
        held[item.system] = held.get(item.system, False) or lines != (NOT_HELD,)
        as_of[item.system] = day_text(value.as_of.isoformat()) if value.as_of else None
    groups = [Group(SYSTEM_NAMES.get(system, system), as_of[system], tuple(lines)) for system, lines in rows.items()]
    names = {name: item.value for name, item in view.items.items()}
    return PersonSheet(atena_number=view.atena_number, name=person_name(names),
                       groups=tuple(g for g, system in zip(groups, rows, strict=True) if held[system]),
                       not_held=tuple(g for g, system in zip(groups, rows, strict=True) if not held[system]))


def household_views(view: PersonView) -> list[PersonView]:
    """The other members the view's household item holds (for ``self-view``: the minor children)."""
    members = view.items.get(HOUSEHOLD)
    if members is None or not isinstance(members.value, list):
        return []
    return [PersonView.model_validate(member) for member in members.value]
