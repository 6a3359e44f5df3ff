"""The department side of the intake API, under ``/api/v1/backoffice/``.

In the style of the national e-application receiving API (申請データ一覧取得,
申請データ取得, 処理状況更新): a department's system lists new applications,
fetches one with its attachments, and reports its processing status back.
The caller is either a department's system (a bearer token of an API client
registered for that department, ``madoguchi client add --department``) or a
logged-in staff member of the department (with the session's CSRF token on
changes). Either sees only its own department's applications.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from madoguchi.actor import Actor
from madoguchi.intake.review import attachment_content, decide, inbox, open_application
from madoguchi.intake.status import ApplicationStatus
from madoguchi.registry.api_client import authenticate_client
from madoguchi.registry.errors import PurposeNotAllowed
from madoguchi.web.backoffice_roles import DecisionNotAllowed, may_decide
from madoguchi.web.deps import PurposesDep, SessionDep, VaultDep, get_staff_session
from madoguchi.web.errors import problem_responses
from madoguchi.web.sessions import check_csrf, session_cookie_name, submitted_csrf_token

router = APIRouter(prefix="/api/v1/backoffice", tags=["back office"],
                   responses=problem_responses(401, 403, 404, 409, 422))

_bearer = HTTPBearer(auto_error=False, description="A department system's token (`madoguchi client add`).")


@dataclass(frozen=True)
class DepartmentCaller:
    actor: Actor
    role: str | None
    """A staff member's role; None for the department's own system, which decides as the department does."""

    def check_may_decide(self, status: ApplicationStatus) -> None:
        if self.role is not None and not may_decide(self.role, status):
            raise DecisionNotAllowed(f"a {self.role} may not make this decision: ask a manager")


async def get_department_caller(request: Request, session: SessionDep, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> DepartmentCaller:
    """The department's system (bearer token) or staff member (session; CSRF on changes) calling."""
    if credentials is not None:
        actor = authenticate_client(session, token=credentials.credentials).actor
        if actor.department is None:
            raise PurposeNotAllowed("this API client belongs to no department: register it with --department")
        return DepartmentCaller(actor, None)
    staff = get_staff_session(session, request.cookies.get(session_cookie_name("staff")))
    if request.method not in ("GET", "HEAD"):
        check_csrf(staff.web.csrf_token, await submitted_csrf_token(request))
    return DepartmentCaller(staff.actor, staff.member.role)


DepartmentDep = Annotated[DepartmentCaller, Depends(get_department_caller, scope="function")]


class StatusReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ApplicationStatus = Field(description="`in_review`, `accepted`, `rejected` or `needs_correction` "
                                                  "(`received` only for one signed at the counter).")
    reason: str | None = Field(default=None, max_length=2000,
                               description="Why: required for `rejected` and `needs_correction`; the resident reads it.")
    fields: list[str] = Field(default_factory=list, max_length=100,
                              description="For `needs_correction`: the field ids the resident fixes.")


@router.get("/applications")
def list_applications(caller: DepartmentDep, session: SessionDep,
                      status: ApplicationStatus | None = None,
                      after: Annotated[int, Query(ge=0, description="The last `position` seen.")] = 0,
                      limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[dict[str, Any]]:
    """The department's applications in arrival order (no personal data: references and statuses)."""
    return inbox(session, actor=caller.actor, status=status, after=after, limit=limit)


@router.get("/applications/{reference}")
def fetch_application(reference: str, caller: DepartmentDep, session: SessionDep, vault: VaultDep,
                      purposes: PurposesDep) -> dict[str, Any]:
    """One application in full, every value with its source; the read is logged as ``review:<department>``."""
    return open_application(session, actor=caller.actor, purposes=purposes, vault=vault, reference=reference)


@router.get("/applications/{reference}/attachments/{attachment_id}")
def fetch_attachment(reference: str, attachment_id: str, caller: DepartmentDep, session: SessionDep) -> Response:
    """An attachment's file, as the resident handed it over."""
    row = attachment_content(session, actor=caller.actor, reference=reference, attachment_id=attachment_id)
    return Response(row.content, media_type=row.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{row.attachment_id}"',
                             "X-Content-Type-Options": "nosniff"})


@router.post("/applications/{reference}/status")
def report_status(reference: str, body: StatusReport, caller: DepartmentDep, session: SessionDep) -> dict[str, Any]:
    """Move the application on; the resident sees the new status (and the reason) at once."""
    caller.check_may_decide(body.status)
    return decide(session, actor=caller.actor, reference=reference, status=body.status, reason=body.reason,
                  fields=body.fields)
