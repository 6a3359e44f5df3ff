"""The catalog as the purpose registry's procedure directory.

``procedure:<id>`` and ``screening:<id>`` purposes read what the procedure
declares (its ``reads``, legal basis and My Number basis); ``review:<department>``
the union over the department's procedures; ``guidance:<event id>`` needs the
event to exist. Answers come from the store's current catalog, so a reload
changes the purposes with the procedures.

``serving_catalog`` builds the pair every process serves with — one store over
the configured folder and the purpose registry that asks it — for the web app
and the commands alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from madoguchi.catalog.models import Procedure
from madoguchi.catalog.store import CatalogStore
from madoguchi.registry.purpose import EventAccess, ProcedureAccess, PurposeRegistry, load_purposes


class CatalogDirectory:
    """Implements ``madoguchi.registry.purpose.ProcedureDirectory``."""

    def __init__(self, store: CatalogStore) -> None:
        self.store = store

    def procedure_access(self, procedure_id: str) -> ProcedureAccess | None:
        procedure = self.store.current.procedures.get(procedure_id)
        return _access(procedure) if procedure is not None else None

    def department_procedures(self, department: str) -> Sequence[ProcedureAccess]:
        return [_access(p) for p in self.store.current.department_procedures(department)]

    def event_access(self, event_id: str) -> EventAccess | None:
        event = self.store.current.events.get(event_id)
        return EventAccess(event.id, event.name.ja, event.name.en) if event is not None else None


@dataclass(frozen=True)
class ServingCatalog:
    """The catalog a process serves and the purposes resolved against it."""

    store: CatalogStore
    purposes: PurposeRegistry


def serving_catalog(folder: Path | None) -> ServingCatalog:
    """One store over ``folder`` (None: ``MADOGUCHI_CATALOG`` or the shipped catalog) and its purposes.

    Raises PurposesInvalid when ``purposes.yaml`` cannot be used.
    """
    store = CatalogStore(folder)
    return ServingCatalog(store, load_purposes(store.folder, CatalogDirectory(store)))


def _access(procedure: Procedure) -> ProcedureAccess:
    return ProcedureAccess(
        id=procedure.id,
        name_ja=procedure.name.ja,
        name_en=procedure.name.en,
        department=procedure.department,
        items=procedure.reads,
        legal_basis=procedure.legal_basis,
        my_number_basis=procedure.my_number_basis,
    )
