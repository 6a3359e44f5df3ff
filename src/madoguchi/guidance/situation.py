"""A life event as the navigator knows it once its input is checked: what the plan and the forms start from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pydantic import JsonValue

from madoguchi.catalog.models import Event
from madoguchi.registry.fetched import Fetched
from madoguchi.rules import HouseholdFacts


@dataclass(frozen=True)
class Situation:
    event: Event
    applicant: str | None
    """The applicant's 宛名番号; None for a move-in (the first mover, ``mover:0``, applies)."""
    household: HouseholdFacts
    """On the event date, as the household read found it (for a move-in: the movers)."""
    answers: dict[str, JsonValue]
    """Checked against the event's questions."""
    fetched: Fetched = field(default_factory=Fetched)
    """The hub records the household read fetched: the forms' reads of the same people take them from here."""

    @property
    def on(self) -> date:
        return self.household.on
