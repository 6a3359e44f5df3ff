"""The resident's own application that waits at the counter, as its form is printed for them.

It is read the way the resident reads their bundles (``intake.tracking``):
sensitive values masked, nothing logged beyond what that read logs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from madoguchi.actor import Actor
from madoguchi.intake.intake_errors import ApplicationNotFound
from madoguchi.intake.references import normalise_reference
from madoguchi.intake.status import ApplicationStatus
from madoguchi.intake.tracking import bundle_status, list_bundles
from madoguchi.printing.errors import NotAtCounter


def application_at_counter(session: Session, *, actor: Actor, reference: str) -> dict[str, Any]:
    """One of the actor's applications in the shape the form is printed from.

    Raises ApplicationNotFound (also for someone else's), NotAtCounter.
    """
    wanted = normalise_reference(reference)
    for summary in list_bundles(session, actor=actor) if actor.kind == "resident" else []:
        bundle = bundle_status(session, actor=actor, reference=summary["reference"])
        found = next((a for a in bundle["applications"] if a["reference"] == wanted), None)
        if found is None:
            continue
        if found["status"] != ApplicationStatus.AT_COUNTER:
            raise NotAtCounter(f"application {found['reference']} is {found['status']}: only an application "
                               "that waits at the counter to be signed is printed")
        return {**found, "bundle": bundle["reference"], "submitted_at": bundle["submitted_at"],
                "applicant": actor.id}
    raise ApplicationNotFound(f"you have no application {reference}")
