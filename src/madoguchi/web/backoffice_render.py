"""A back-office page for the logged-in staff member.

Every staff page renders with ``render_staff_page``, which gives its template
the staff member, their department's name, their role's label and the CSRF
token every form (``csrf_token``) and htmx request (``X-CSRF-Token``, set on
the layout) must carry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from madoguchi import __version__
from madoguchi.catalog.errors import DepartmentNotFound
from madoguchi.catalog.models import Catalog
from madoguchi.web.deps import StaffSession
from madoguchi.web.pages import templates

ROLE_LABELS = {"reviewer": "審査担当", "manager": "管理者"}
PAGE_HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY"}
"""Staff pages are not kept in the browser's cache (nor shown after logout), nor framed."""


def render_staff_page(request: Request, staff: StaffSession, catalog: Catalog, template: str,
                      context: Mapping[str, Any] | None = None, *, status_code: int = 200) -> HTMLResponse:
    """A back-office page for the logged-in staff member (the template extends ``backoffice/layout.html``)."""
    try:
        department_name = catalog.department(staff.member.department).name.ja
    except DepartmentNotFound:  # removed from the catalog since: show the id
        department_name = staff.member.department
    return templates.TemplateResponse(request, template, {
        "version": __version__, "staff": staff.member, "department_name": department_name,
        "role_label": ROLE_LABELS.get(staff.member.role, staff.member.role),
        "csrf_token": staff.web.csrf_token, **(context or {}),
    }, status_code=status_code, headers=PAGE_HEADERS)
