"""Receipts and printed forms: the resident's receipt page and PDF, and applications as filled forms.

A resident sees only their own bundle and application (someone else's answers
404); a department prints only its own applications, and printing one opens
it, so the read is logged as ``open_application`` logs it. PDFs are not kept
in any cache: they carry personal data.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from madoguchi import __version__
from madoguchi.intake.intake_errors import NotYours
from madoguchi.intake.review import open_application
from madoguchi.intake.tracking import bundle_status
from madoguchi.printing.counter import application_at_counter
from madoguchi.printing.form import form_pdf
from madoguchi.printing.receipt import CONTACT, receipt_of, receipt_pdf
from madoguchi.web.api.backoffice import DepartmentDep
from madoguchi.web.deps import CatalogDep, PurposesDep, SessionDep, VaultDep
from madoguchi.web.errors import log_refusal, problem_responses
from madoguchi.web.pages import templates
from madoguchi.web.resident import ResidentDep

PRIVATE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "The PDF (A4, IPAmj明朝 embedded)."}}

router = APIRouter(tags=["receipts and forms"], responses=problem_responses(401, 404, 503))


def pdf_response(content: bytes, filename: str) -> Response:
    return Response(content, media_type="application/pdf",
                    headers={**PRIVATE, "Content-Disposition": f'inline; filename="{filename}"'})


@router.get("/bundles/{reference}/receipt", response_class=HTMLResponse, include_in_schema=False)
def receipt_page(request: Request, reference: str, resident: ResidentDep, session: SessionDep,
                 catalog: CatalogDep) -> HTMLResponse:
    """Show the bundle's receipt (受付控え), with a link to its PDF."""
    try:
        status = bundle_status(session, actor=resident.actor, reference=reference)
    except NotYours as refused:
        instance = log_refusal(request, status=refused.status, slug=refused.type)
        return templates.TemplateResponse(request, "intake/receipt.html", {
            "version": __version__, "receipt": None, "instance": instance}, status_code=404, headers=PRIVATE)
    receipt = receipt_of(status, catalog)
    return templates.TemplateResponse(request, "intake/receipt.html", {
        "version": __version__, "receipt": receipt, "contact": CONTACT,
        "pdf_url": request.url_for("bundle_receipt_pdf", reference=receipt.reference).path,
    }, headers=PRIVATE)


@router.get("/api/v1/bundles/{reference}/receipt.pdf", response_class=Response, responses=PDF_RESPONSE)
def bundle_receipt_pdf(reference: str, resident: ResidentDep, session: SessionDep, catalog: CatalogDep) -> Response:
    """The bundle's receipt (受付控え) as a PDF: reference numbers, what happens next, deadlines."""
    status = bundle_status(session, actor=resident.actor, reference=reference)
    return pdf_response(receipt_pdf(status, catalog), f"receipt-{status['reference']}.pdf")


@router.get("/api/v1/applications/{reference}/form.pdf", response_class=Response,
            responses={**PDF_RESPONSE, **problem_responses(409)})
def counter_form_pdf(reference: str, resident: ResidentDep, session: SessionDep, catalog: CatalogDep) -> Response:
    """The resident's application that waits at the counter, printed as its filled form (sensitive values masked)."""
    application = application_at_counter(session, actor=resident.actor, reference=reference)
    return pdf_response(form_pdf(application, catalog), f"form-{application['reference']}.pdf")


@router.get("/api/v1/backoffice/applications/{reference}/form.pdf", response_class=Response,
            responses={**PDF_RESPONSE, **problem_responses(403)})
def application_form_pdf(reference: str, caller: DepartmentDep, session: SessionDep, vault: VaultDep,
                         purposes: PurposesDep, catalog: CatalogDep) -> Response:
    """One of the department's applications printed as its filled form; the read is logged as
    ``review:<department>``."""
    application = open_application(session, actor=caller.actor, purposes=purposes, vault=vault,
                                   reference=reference)
    return pdf_response(form_pdf(application, catalog), f"form-{application['reference']}.pdf")
