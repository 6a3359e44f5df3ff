from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pytest
from pydantic import JsonValue
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.catalog.directory import ServingCatalog, serving_catalog
from madoguchi.guidance.schemas import Plan
from madoguchi.guidance.service import plan_event
from madoguchi.prefill.schemas import FilledBundle, FilledForm
from madoguchi.prefill.service import prefill_bundle, prefill_form
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.registry.purpose import shipped_catalog
from madoguchi.vault import Vault
from registry.factories import TODAY, Hub

from .households import Households


@pytest.fixture(scope="session")
def serving() -> ServingCatalog:
    """The shipped catalog and the purposes resolved against it."""
    return serving_catalog(shipped_catalog())


@dataclass
class Navigator:
    """The services as a counter operator calls them, on the test's session."""

    session: Session
    vault: Vault
    serving: ServingCatalog
    actor: Actor = Actor.operator("counter-1")

    def plan(self, event: str, applicant: str | None, on: date, lang: str = "ja",
             **answers: JsonValue) -> Plan:
        return plan_event(self.session, actor=self.actor, catalog=self.serving.store.current,
                          purposes=self.serving.purposes, vault=self.vault, event_id=event,
                          applicant=applicant, event_date=on, answers=answers,
                          lang="en" if lang == "en" else "ja")

    def form(self, event: str, procedure: str, applicant: str | None, on: date, subject: str | None = None,
             **answers: JsonValue) -> FilledForm:
        return prefill_form(self.session, actor=self.actor, catalog=self.serving.store.current,
                            purposes=self.serving.purposes, vault=self.vault, event_id=event,
                            procedure_id=procedure, applicant=applicant, subject=subject, event_date=on,
                            answers=answers)

    def bundle(self, event: str, applicant: str | None, on: date, **answers: JsonValue) -> FilledBundle:
        return prefill_bundle(self.session, actor=self.actor, catalog=self.serving.store.current,
                              purposes=self.serving.purposes, vault=self.vault, event_id=event,
                              applicant=applicant, event_date=on, answers=answers)

    def log(self) -> list[AccessLogEntry]:
        return list(self.session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)))

    def log_size(self) -> int:
        return self.session.scalar(select(func.count()).select_from(AccessLogEntry)) or 0


@pytest.fixture
def homes(session: Session, vault: Vault) -> Households:
    clock.freeze(TODAY)
    return Households(Hub.start(session, vault))


@pytest.fixture
def navigator(session: Session, vault: Vault, serving: ServingCatalog) -> Navigator:
    return Navigator(session, vault, serving)


def procedures(plan: Plan) -> list[tuple[str, str]]:
    """(procedure, subject) of every application the plan files."""
    return [(p.id, p.subject) for p in plan.procedures]


def needs(plan: Plan) -> Mapping[str, list[str]]:
    return {n.procedure: n.questions for n in plan.needs_answers}
