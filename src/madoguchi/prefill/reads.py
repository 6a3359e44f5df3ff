"""What a form reads through the data API: one read per person, of the items its shown fields name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from madoguchi.prefill.persons import InHub, Who
from madoguchi.prefill.source import NAME, HeadItem, Item, Source, Whole
from madoguchi.registry.items import HOUSEHOLD


def items_to_read(sources: Iterable[Source], persons: Mapping[str, Who], head: str | None,
                  readable: frozenset[str]) -> dict[str, frozenset[str]]:
    """The items to read of each person in the hub (by 宛名番号), within what the purpose may read.

    A person field asks the person's name, for display; a ``household.head_*``
    path asks the head's items of the head, whom the household read found.
    """
    wanted: dict[str, set[str]] = {}
    for source in sources:
        if isinstance(source, (Item, HeadItem, Whole)):
            who = persons[source.person]
            if not isinstance(who, InHub):
                continue
            if isinstance(source, Item):
                wanted.setdefault(who.atena, set()).add(source.item)
            elif isinstance(source, HeadItem):
                if head is not None:
                    wanted.setdefault(head, set()).update(source.items)
            else:
                wanted.setdefault(who.atena, set()).update({*NAME, HOUSEHOLD} if source.household else NAME)
    return {atena: frozenset(items & readable) for atena, items in wanted.items() if items & readable}
