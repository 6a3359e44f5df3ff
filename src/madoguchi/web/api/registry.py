"""The data API (自治体内情報活用API) for the city's internal systems, under ``/api/v1/``.

A client authenticates with its bearer token and names a purpose it is
registered for; every person read is logged. Routes only translate HTTP to
the registry's service.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from madoguchi.registry.schemas import HouseholdView, PersonView
from madoguchi.registry.service import view_household, view_person
from madoguchi.web.deps import ClientDep, ClientPurposeDep, PurposesDep, SessionDep, VaultDep
from madoguchi.web.errors import problem_responses

router = APIRouter(prefix="/api/v1", tags=["data API"],
                   responses=problem_responses(400, 401, 403, 404, 422))

AsOf = Annotated[date | None, Query(description="Read the values valid on this date (YYYY-MM-DD); "
                                                "default: the current values.")]
Items = Annotated[list[str] | None, Query(description="Read only these of the purpose's items.")]
Number = Annotated[str, Path(pattern=r"^[0-9]{1,16}$", description="The 宛名番号 or 世帯番号.")]


@router.get("/persons/{atena_number}")
def read_person(atena_number: Number, purpose: ClientPurposeDep, client: ClientDep,
                session: SessionDep, vault: VaultDep, purposes: PurposesDep,
                as_of: AsOf = None, items: Items = None) -> PersonView:
    """Read one person's items allowed by the purpose; the read is logged."""
    return view_person(session, actor=client.actor, atena_number=atena_number, purpose=purpose,
                       purposes=purposes, vault=vault, as_of=as_of, items=items)


@router.get("/households/{household_number}")
def read_household(household_number: Number, purpose: ClientPurposeDep, client: ClientDep,
                   session: SessionDep, vault: VaultDep, purposes: PurposesDep,
                   as_of: AsOf = None, items: Items = None) -> HouseholdView:
    """Read the members of a household the purpose allows; each member's read is logged."""
    return view_household(session, actor=client.actor, household_number=household_number,
                          purpose=purpose, purposes=purposes, vault=vault, as_of=as_of, items=items)
