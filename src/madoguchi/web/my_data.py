"""My data (わたしの情報) and who used it (アクセス記録): the logged-in resident's own pages.

``/me`` reads the resident under ``self-view`` with the household item, so the
minor children they may see come in the same read; like any read, it adds
an entry to each person's access log. ``/me/access-log`` lists the entries
about the resident, ``/me/access-log/{atena_number}`` those about a minor
child of theirs. Any other 宛名番号 is answered as an unknown one would be
(404), before anything is read or logged.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from madoguchi import __version__
from madoguchi.registry.access_history import AccessFilter, list_resident_access, purpose_kinds
from madoguchi.registry.errors import PersonNotFound
from madoguchi.registry.policy import SELF_VIEW
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.registry.service import view_person
from madoguchi.web.access_display import access_line, purpose_kind_name
from madoguchi.web.deps import PurposesDep, SessionDep, VaultDep
from madoguchi.web.errors import log_refusal
from madoguchi.web.my_data_display import household_views, person_sheet
from madoguchi.web.pages import templates
from madoguchi.web.resident import ResidentDep, ResidentSession

PAGE_SIZE = 20
PRIVATE = {"Cache-Control": "no-store", "X-Frame-Options": "DENY"}
"""A resident's data is not kept in the browser's cache, nor shown inside another site's frame."""

router = APIRouter(include_in_schema=False)


@router.get("/me", response_class=HTMLResponse)
def my_data(request: Request, resident: ResidentDep, session: SessionDep, purposes: PurposesDep,
            vault: VaultDep) -> HTMLResponse:
    """Show what the city holds about the resident, and about the household members they may see."""
    try:
        view = view_person(session, actor=resident.actor, atena_number=resident.atena_number, purpose=SELF_VIEW,
                           purposes=purposes, vault=vault)
    except PersonNotFound:  # logged in, but no longer in the register the hub holds
        return _not_found(request)
    return _page(request, "me/index.html", {
        "me": person_sheet(view), "children": [person_sheet(child) for child in household_views(view)]})


class AccessQuery(BaseModel):
    """The access log's filter form and page; a malformed value is left out rather than refused."""

    kind: str = ""
    department: str = ""
    since: str = ""
    until: str = ""
    before: int | None = Field(None, ge=1)


AccessQueryDep = Annotated[AccessQuery, Query()]


@router.get("/me/access-log", response_class=HTMLResponse)
def my_access_log(request: Request, resident: ResidentDep, session: SessionDep, purposes: PurposesDep,
                  query: AccessQueryDep) -> HTMLResponse:
    """List who used the resident's data, newest first, narrowed by purpose, department and period."""
    return _access_log(request, resident, session, purposes, resident.atena_number, query)


@router.get("/me/access-log/{atena_number}", response_class=HTMLResponse)
def household_access_log(request: Request, atena_number: str, resident: ResidentDep, session: SessionDep,
                         purposes: PurposesDep, query: AccessQueryDep) -> HTMLResponse:
    """List who used the data of a minor child the resident may see (or the resident's own)."""
    return _access_log(request, resident, session, purposes, atena_number, query)


def _access_log(request: Request, resident: ResidentSession, session: Session, purposes: PurposeRegistry,
                atena_number: str, query: AccessQuery) -> HTMLResponse:
    filters = _filter(purposes, query)
    try:
        page = list_resident_access(session, actor=resident.actor, atena_number=atena_number, purposes=purposes,
                                    filters=filters, limit=PAGE_SIZE, before=query.before)
    except PersonNotFound:
        return _not_found(request)
    shown = {"kind": filters.purpose_kind or "", "department": filters.department or "",
             "since": filters.since.isoformat() if filters.since else "",
             "until": filters.until.isoformat() if filters.until else ""}
    return _page(request, "me/access-log.html", {
        "own": atena_number == resident.atena_number, "atena_number": atena_number, "filters": shown,
        "kinds": [(kind, purpose_kind_name(purposes, kind)) for kind in purpose_kinds(purposes)],
        "departments": page.departments,
        "lines": [access_line(entry, viewer=resident.atena_number, subject=atena_number, purposes=purposes)
                  for entry in page.entries],
        "older": f"{request.url.path}?{urlencode({**shown, 'before': page.next_before})}"
                 if page.next_before is not None else None,
        "newest": f"{request.url.path}?{urlencode(shown)}" if query.before is not None else None,
    })


def _filter(purposes: PurposeRegistry, query: AccessQuery) -> AccessFilter:
    """The form's values as a filter; a kind the registry does not know, or a malformed date, is left out."""
    return AccessFilter(purpose_kind=query.kind if query.kind in purpose_kinds(purposes) else None,
                        department=query.department or None, since=_day(query.since), until=_day(query.until))


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _page(request: Request, template: str, context: dict[str, Any], *, status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, template, {"version": __version__, **context},
                                      status_code=status_code, headers=PRIVATE)


def _not_found(request: Request) -> HTMLResponse:
    """Someone the resident may not see: the same page as for no one at all, and its log line."""
    instance = log_refusal(request, status=404, slug="person-not-found")
    return _page(request, "me/not-found.html", {"instance": instance}, status_code=404)
