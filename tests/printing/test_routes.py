"""Receipts and forms over HTTP: only the resident's own bundle and application, only the department's own
application — and a department's print is a logged read."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.test_api import OPS, app, logged_in
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.registry.api_client import create_client

from .conftest import IVS_FAMILY_NAME, Births, Marriage
from .pdf_kit import pdf_text

__all__ = ["app"]

pytestmark = pytest.mark.usefixtures("ipamj")


def department_system(app: FastAPI, session: Session, serving: ServingCatalog, department: str) -> TestClient:
    """A department's system, calling with its bearer token."""
    _, token = create_client(session, actor=OPS, name=f"{department}-system", department=department,
                             purposes=[f"review:{department}"], registry=serving.purposes)
    return TestClient(app, base_url="https://testserver", raise_server_exceptions=False,
                      headers={"Authorization": f"Bearer {token}"})


def log_size(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AccessLogEntry)) or 0


def test_the_resident_gets_their_receipt_as_a_page_and_as_a_pdf(app: FastAPI, births: Births) -> None:
    http, _ = logged_in(app, births.father)
    reference = births.bundle.reference
    page = http.get(f"/bundles/{reference}/receipt")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    assert "<h1>受付控え</h1>" in page.text and reference in page.text and "出生届" in page.text
    assert all(a["reference"] in page.text for a in births.bundle.applications)
    assert f'href="/api/v1/bundles/{reference}/receipt.pdf"' in page.text and "受付番号か申請番号をお伝えください" in page.text

    pdf = http.get(f"/api/v1/bundles/{reference.replace('-', '')}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == f'inline; filename="receipt-{reference}.pdf"'
    assert pdf.content.startswith(b"%PDF-") and reference in pdf_text(pdf.content)


def test_someone_elses_receipt_is_not_found_and_no_one_gets_one_without_logging_in(
        app: FastAPI, births: Births) -> None:
    http, _ = logged_in(app, births.mother)
    reference = births.bundle.reference
    page = http.get(f"/bundles/{reference}/receipt")
    assert page.status_code == 404 and "受付控えが見つかりません" in page.text and reference not in page.text
    pdf = http.get(f"/api/v1/bundles/{reference}/receipt.pdf")
    assert pdf.status_code == 404 and pdf.headers["content-type"] == "application/problem+json"
    anonymous = TestClient(app, base_url="https://testserver", raise_server_exceptions=False,
                           follow_redirects=False)
    assert anonymous.get(f"/api/v1/bundles/{reference}/receipt.pdf").status_code == 401
    assert anonymous.get(f"/bundles/{reference}/receipt").headers["location"].startswith("/login")


def test_a_department_prints_its_application_as_a_form_and_the_read_is_logged(
        app: FastAPI, at_counter: Marriage, session: Session, serving: ServingCatalog) -> None:
    citizens = department_system(app, session, serving, "citizens")
    before = log_size(session)
    form = citizens.get(f"/api/v1/backoffice/applications/{at_counter.reference}/form.pdf")
    assert form.status_code == 200 and form.headers["content-type"] == "application/pdf"
    text = pdf_text(form.content)
    assert "婚姻届" in text and IVS_FAMILY_NAME in text and "署名欄" in text
    assert log_size(session) == before + 1
    entry = session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id.desc())).first()
    assert entry is not None
    assert (entry.purpose, entry.actor_kind, entry.actor_id) == ("review:citizens", "system", "citizens-system")

    others = department_system(app, session, serving, "child-support")
    refused = others.get(f"/api/v1/backoffice/applications/{at_counter.reference}/form.pdf")
    assert refused.status_code == 404 and refused.json()["type"].endswith("/application-not-found")
    assert log_size(session) == before + 1


def test_the_resident_prints_the_form_that_waits_at_the_counter_and_nothing_else(
        app: FastAPI, at_counter: Marriage, births: Births) -> None:
    groom, _ = logged_in(app, at_counter.groom)
    form = groom.get(f"/api/v1/applications/{at_counter.reference}/form.pdf")
    assert form.status_code == 200 and form.headers["content-type"] == "application/pdf"
    assert at_counter.reference in pdf_text(form.content) and "署名欄" in pdf_text(form.content)

    bride, _ = logged_in(app, at_counter.bride)
    assert bride.get(f"/api/v1/applications/{at_counter.reference}/form.pdf").status_code == 404
    father, _ = logged_in(app, births.father)
    received = births.bundle.applications[0]["reference"]
    refused = father.get(f"/api/v1/applications/{received}/form.pdf")
    assert refused.status_code == 409 and refused.json()["type"].endswith("/application-not-at-counter")
