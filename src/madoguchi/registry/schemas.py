"""What the data API hands out: purpose-bound views, each value with where it came from."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, JsonValue


class ItemValue(BaseModel):
    value: JsonValue = Field(description="The value; null when the system holds nothing for the person.")
    source: str = Field(description="The back-office system the value comes from (juki, tax, nhi, …).")
    as_of: date | None = Field(description="The date of that system's latest export read by the hub.")
    since: date | None = Field(description="Since when the hub has held this version of the record.")


class PersonView(BaseModel):
    """One person's items, exactly those the purpose allows: an item not allowed is absent."""

    atena_number: str
    purpose: str
    as_of: date | None = Field(description="The past date asked for; null for current values.")
    items: dict[str, ItemValue]


class HouseholdView(BaseModel):
    """The members of a household the actor may see for the purpose, each as a person view."""

    household_number: str
    purpose: str
    as_of: date | None
    members: list[PersonView]


class AccessEntryView(BaseModel):
    """One read of the resident's data, as the access log recorded it."""

    seq: int
    recorded_at: datetime
    actor_kind: str
    actor_id: str | None = Field(description="Shown to the auditor and to the resident for their own reads.")
    department: str | None
    purpose: str
    legal_basis: str
    my_number_basis: str | None
    items: list[str]
    as_of: date | None


class AccessList(BaseModel):
    atena_number: str
    entries: list[AccessEntryView] = Field(description="Newest first.")
    next_before: int | None = Field(description="Pass as `before` for the next (older) page; null at the end.")
