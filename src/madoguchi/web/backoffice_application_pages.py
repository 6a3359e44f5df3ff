"""The department's work in the back office: the inbox (受付一覧), one application, its decisions
and its attachments.

Every page reads through ``intake.review``, which shows a staff member only
their department's applications (another's reference is not found) and logs
each open of an application in the access log under ``review:<department>``.
A decision is a form posted with the session's CSRF token; the role decides
which decisions a member may make (``backoffice_roles``). A refused decision
shows the application again with the reason next to its form, nothing changed.
"""

from __future__ import annotations

import heapq
import mimetypes
from dataclasses import dataclass
from datetime import date
from itertools import islice
from operator import itemgetter
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.catalog.models import Catalog
from madoguchi.intake.intake_errors import ApplicationNotFound, StatusChangeInvalid
from madoguchi.intake.review import attachment_content, decide, inbox, open_application
from madoguchi.intake.sealed_fields import hint, is_sensitive
from madoguchi.intake.status import DECIDED, LABELS_JA, ApplicationStatus, may_change
from madoguchi.prefill.display import era_date
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.vault import Vault
from madoguchi.web.backoffice_render import PAGE_HEADERS, render_staff_page
from madoguchi.web.backoffice_roles import may_decide
from madoguchi.web.backoffice_wording import (
    ACTOR_LABELS,
    HISTORY_REASONS,
    deadline,
    shared_note,
    subject_label,
)
from madoguchi.web.deps import (
    CatalogDep,
    PurposesDep,
    SessionDep,
    StaffSession,
    StaffSessionDep,
    StaffWriteDep,
    VaultDep,
)
from madoguchi.wording import era_moment, event_name, procedure_name, provenance

S = ApplicationStatus

router = APIRouter(include_in_schema=False)

INBOX_PATH = "/backoffice/"
PAGE_SIZE = 50
OPEN = tuple(s for s in S if s not in DECIDED)
FILTERS: dict[str, tuple[str, tuple[ApplicationStatus, ...] | None]] = {
    "open": (f"未処理（{'・'.join(LABELS_JA[s] for s in OPEN)}）", OPEN),
    **{s.value: (LABELS_JA[s], (s,)) for s in S},
    "all": ("すべて", None),
}
"""The inbox's status filters: name → (label, statuses; None for every status)."""


@dataclass(frozen=True)
class Action:
    """A decision the application page offers as a form."""

    status: ApplicationStatus
    label: str
    button: str
    done: str
    reason: bool = False
    """A reason is required (the resident reads it)."""
    fields: bool = False
    """The fields the resident fixes are chosen."""


ACTIONS = {a.status: a for a in (
    Action(S.IN_REVIEW, "審査開始", "審査を開始する", "審査を開始しました。"),
    Action(S.ACCEPTED, "受理", "受理する", "受理しました。"),
    Action(S.REJECTED, "不受理", "不受理にする", "不受理にしました。申請者に理由が表示されます。", reason=True),
    Action(S.NEEDS_CORRECTION, "補正依頼", "補正を依頼する",
           "補正依頼を送りました。申請者に理由と補正する項目が表示されます。", reason=True, fields=True),
)}


@dataclass(frozen=True)
class Refused:
    """A decision the page refused: why, the answer's status, and what was typed (shown again)."""

    status: ApplicationStatus
    message: str
    http_status: int
    reason: str = ""
    fields: tuple[str, ...] = ()


def manager_only(action: Action) -> str:
    return f"「{action.label}」は管理者が決定します。管理者に相談してください。"


@router.get(INBOX_PATH, response_class=HTMLResponse)
def inbox_page(request: Request, staff: StaffSessionDep, session: SessionDep, catalog: CatalogDep,
               status: str = "open", after: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
    """Show the department's inbox (受付一覧): its applications in arrival order, by status."""
    chosen = status if status in FILTERS else "open"
    entries, more = _inbox_entries(session, staff.actor, FILTERS[chosen][1], after)
    today = clock.today()
    rows = [{"reference": e["reference"], "procedure": procedure_name(catalog, e["procedure"]),
             "subject": subject_label(e["subject"]), "submitted": era_moment(e["submitted_at"]),
             "deadline": deadline(e["deadline"], today=today, still_open=S(e["status"]) not in DECIDED),
             "status_label": e["status_label"]} for e in entries]
    return render_staff_page(request, staff, catalog, "backoffice/inbox.html", {
        "rows": rows, "filters": {name: label for name, (label, _) in FILTERS.items()}, "chosen": chosen,
        "after": after, "next_after": entries[-1]["position"] if more else None})


@router.get("/backoffice/applications/{reference}", response_class=HTMLResponse)
def application_page(request: Request, reference: str, staff: StaffSessionDep, session: SessionDep,
                     catalog: CatalogDep, vault: VaultDep, purposes: PurposesDep,
                     done: str | None = None) -> HTMLResponse:
    """Show one application in full, each value with its source (a logged read)."""
    notice = next((a.done for a in ACTIONS.values() if a.status.value == done), None)
    return _application(request, staff, session, catalog, vault, purposes, reference, notice=notice)


@router.post("/backoffice/applications/{reference}/decisions", response_class=HTMLResponse)
def decide_application(request: Request, reference: str, staff: StaffWriteDep, session: SessionDep,
                       catalog: CatalogDep, vault: VaultDep, purposes: PurposesDep,
                       status: Annotated[ApplicationStatus, Form()],
                       reason: Annotated[str, Form(max_length=2000)] = "",
                       fields: Annotated[list[str] | None, Form(max_length=100)] = None) -> Response:
    """Decide on the application: start the review, accept, reject or send it back for correction."""
    chosen = tuple(fields or ())
    problem = _form_problem(ACTIONS.get(status), staff.member.role, reason, chosen)
    if problem is None:
        try:
            decide(session, actor=staff.actor, reference=reference, status=status, reason=reason, fields=list(chosen))
        except ApplicationNotFound:
            return _not_found(request, staff, catalog, reference)
        except StatusChangeInvalid:  # decided meanwhile, or a form from an older page
            problem = ("いまの状態では、この操作はできません。最新の状態を確認してください。", 409)
        else:
            return RedirectResponse(f"/backoffice/applications/{reference}?done={status.value}",
                                    status_code=303)
    message, code = problem
    return _application(request, staff, session, catalog, vault, purposes, reference,
                        refused=Refused(status, message, code, reason, chosen))


@router.get("/backoffice/applications/{reference}/attachments/{attachment_id}")
def attachment_file(request: Request, reference: str, attachment_id: str, staff: StaffSessionDep,
                    session: SessionDep, catalog: CatalogDep) -> Response:
    """Send an attachment's file as the resident handed it over."""
    try:
        row = attachment_content(session, actor=staff.actor, reference=reference, attachment_id=attachment_id)
    except ApplicationNotFound:
        return _not_found(request, staff, catalog, reference)
    filename = f"{row.attachment_id}{mimetypes.guess_extension(row.media_type) or ''}"
    return Response(row.content, media_type=row.media_type, headers={
        **PAGE_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-Type-Options": "nosniff"})


def _inbox_entries(session: Session, actor: Actor, statuses: tuple[ApplicationStatus, ...] | None,
                   after: int) -> tuple[list[dict[str, Any]], bool]:
    """One page of the inbox, and whether more follow.

    The service filters by one status: for several, each status's next page is
    read and the lists merged by position, which gives the same page as one
    query over all of them would.
    """
    pages = [inbox(session, actor=actor, status=s, after=after, limit=PAGE_SIZE + 1)
             for s in (statuses or (None,))]
    found = list(islice(heapq.merge(*pages, key=itemgetter("position")), PAGE_SIZE + 1))
    return found[:PAGE_SIZE], len(found) > PAGE_SIZE


def _form_problem(action: Action | None, role: str, reason: str,
                  fields: tuple[str, ...]) -> tuple[str, int] | None:
    """What keeps the posted decision from being made, with the answer's status; None when it can go ahead."""
    if action is None:
        return "この操作は業務画面からはできません。", 422
    if not may_decide(role, action.status):
        return manager_only(action), 403
    if action.reason and not reason.strip():
        return "理由を入力してください（申請者に表示されます）。", 422
    if action.fields and not fields:
        return "補正してもらう項目を1つ以上選んでください。", 422
    return None


def _application(request: Request, staff: StaffSession, session: Session, catalog: Catalog, vault: Vault,
                 purposes: PurposeRegistry, reference: str, *, notice: str | None = None,
                 refused: Refused | None = None) -> HTMLResponse:
    try:
        seen = open_application(session, actor=staff.actor, purposes=purposes, vault=vault, reference=reference)
    except ApplicationNotFound:
        return _not_found(request, staff, catalog, reference)
    return render_staff_page(request, staff, catalog, "backoffice/application.html",
                             _application_view(seen, catalog, staff.member.role, refused) | {"notice": notice},
                             status_code=refused.http_status if refused else 200)


def _not_found(request: Request, staff: StaffSession, catalog: Catalog, reference: str) -> HTMLResponse:
    return render_staff_page(request, staff, catalog, "backoffice/not_found.html", {"reference": reference},
                             status_code=404)


def _application_view(seen: dict[str, Any], catalog: Catalog, role: str,
                      refused: Refused | None) -> dict[str, Any]:
    """What the application page shows, worded: every field with its provenance, the evidence, the history
    and the decisions the current status allows."""
    status = S(seen["status"])
    labels = {f["id"]: f["label"] for f in seen["fields"]}
    correction = seen["correction"] if status == S.NEEDS_CORRECTION else None
    to_fix = set(correction["fields"]) if correction else set()
    attached: dict[str, list[dict[str, Any]]] = {}
    for a in seen["attachments"]:
        attached.setdefault(a["evidence"], []).append(a)
    actions = [a for a in ACTIONS.values() if may_change(status, a.status)]
    return {
        "application": seen,
        "procedure_name": procedure_name(catalog, seen["procedure"]), "event_name": event_name(catalog, seen["event"]),
        "subject": subject_label(seen["subject"]), "submitted": era_moment(seen["submitted_at"]),
        "event_day": era_date(date.fromisoformat(seen["event_date"])),
        "deadline": deadline(seen["deadline"], today=clock.today(), still_open=status not in DECIDED),
        "fields": [_field(f, catalog, f["id"] in to_fix) for f in seen["fields"]],
        "correction": {"reason": correction["reason"], "fields": [labels.get(i, i) for i in correction["fields"]]}
        if correction else None,
        "evidence": [{**e, "attachments": attached.get(e["key"], [])} for e in seen["evidence"]],
        "history": [{"at": era_moment(h["at"]), "status": LABELS_JA[S(h["status"])],
                     "by": ACTOR_LABELS.get(h["by"], h["by"]),
                     "reason": HISTORY_REASONS.get(h["reason"] or "", h["reason"]),
                     "fields": [labels.get(i, i) for i in h["fields"] or []]} for h in seen["history"]],
        "actions": [{"action": a, "refusal": None if may_decide(role, a.status) else manager_only(a)}
                    for a in actions],
        "refused": refused,
        "refused_elsewhere": refused is not None and refused.status not in {a.status for a in actions},
    }


def _field(field: dict[str, Any], catalog: Catalog, to_fix: bool) -> dict[str, Any]:
    """A field as the page shows it; a My Number or an account behind a 表示 control, so that whoever stands
    at the counter does not read it off the screen."""
    item = str((field.get("source") or {}).get("item") or "")
    # ``household.head_my_number`` too: ``is_sensitive`` knows the person's own ``my_number`` only.
    concealed = field.get("value") is not None and (is_sensitive(field) or item.endswith("my_number"))
    return {"id": field["id"], "label": field["label"], "display": field.get("display"), "to_fix": to_fix,
            "concealed": concealed, "hint": hint(field["value"]) if concealed else None,
            "provenance": provenance(field.get("source"), catalog), "shared": shared_note(field.get("source"), catalog)}
