"""The navigator and prefill for the city's front systems, under ``/api/v1/``.

A client authenticates with its bearer token and must be registered for the
purposes the work reads with: ``guidance:<event>`` for the household, and
``procedure:<id>`` for each form. Routes only translate HTTP to the services;
a refusal rolls the request back, so bad input leaves nothing in the access log.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from madoguchi import clock
from madoguchi.catalog.models import Event
from madoguchi.guidance.language import Lang
from madoguchi.guidance.schemas import Plan
from madoguchi.guidance.service import plan_event
from madoguchi.prefill.schemas import FilledBundle, FilledForm
from madoguchi.prefill.service import prefill_bundle, prefill_form
from madoguchi.registry.api_client import AuthenticatedClient
from madoguchi.web.deps import CatalogDep, ClientDep, PurposesDep, SessionDep, VaultDep
from madoguchi.web.errors import problem_responses

router = APIRouter(prefix="/api/v1", tags=["navigator and prefill"],
                   responses=problem_responses(401, 403, 404, 422))


class PlanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event: str = Field(min_length=1, max_length=64, description="The life event's id (`birth`, `move-in`, …).")
    applicant: str = Field(pattern=r"^([0-9]{1,16}|-)$",
                           description="The applicant's 宛名番号, or `-` for a move-in.")
    date: dt.date | None = Field(default=None, description="The event's date; default: today (Asia/Tokyo).")
    answers: dict[str, JsonValue] = Field(default_factory=dict,
                                          description="The event's answers by question id (docs/catalog.md).")
    lang: Lang = "ja"


class PrefillRequest(PlanRequest):
    procedure: str = Field(min_length=1, max_length=64)
    subject: str | None = Field(default=None, max_length=32, description=(
        "A 宛名番号, `newborn`, `mover:N` or `spouse`; default: the procedure's only subject in the event."))


@router.post("/plans")
def create_plan(body: PlanRequest, client: ClientDep, session: SessionDep, vault: VaultDep,
                purposes: PurposesDep, catalog: CatalogDep) -> Plan:
    """List every procedure a life event leads to for a household; the household's read is logged."""
    event = catalog.event(body.event)
    _check_purposes(client, event, [])
    return plan_event(session, actor=client.actor, catalog=catalog, purposes=purposes, vault=vault,
                      event_id=event.id, applicant=body.applicant, event_date=body.date or clock.today(),
                      answers=body.answers, lang=body.lang)


@router.post("/prefills")
def create_prefill(body: PrefillRequest, client: ClientDep, session: SessionDep, vault: VaultDep,
                   purposes: PurposesDep, catalog: CatalogDep) -> FilledForm:
    """Fill one procedure's form for a subject of a life event; every person read is logged."""
    event = catalog.event(body.event)
    _check_purposes(client, event, [catalog.procedure(body.procedure).id])
    return prefill_form(session, actor=client.actor, catalog=catalog, purposes=purposes, vault=vault,
                        event_id=event.id, procedure_id=body.procedure, applicant=body.applicant,
                        subject=body.subject, event_date=body.date or clock.today(), answers=body.answers,
                        lang=body.lang)


@router.post("/bundles/prefill")
def create_bundle_prefill(body: PlanRequest, client: ClientDep, session: SessionDep, vault: VaultDep,
                          purposes: PurposesDep, catalog: CatalogDep) -> FilledBundle:
    """Plan a life event and fill every form of the plan, asking each shared value once; reads are logged."""
    event = catalog.event(body.event)
    _check_purposes(client, event, [entry.procedure for entry in event.entries])
    return prefill_bundle(session, actor=client.actor, catalog=catalog, purposes=purposes, vault=vault,
                          event_id=event.id, applicant=body.applicant, event_date=body.date or clock.today(),
                          answers=body.answers, lang=body.lang)


def _check_purposes(client: AuthenticatedClient, event: Event, procedures: list[str]) -> None:
    """Raises PurposeNotAllowed unless the client may read for the event and each procedure, before any read."""
    client.check_purpose(f"guidance:{event.id}")
    for procedure in dict.fromkeys(procedures):
        client.check_purpose(f"procedure:{procedure}")
