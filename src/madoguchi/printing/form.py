"""An application printed as its filled form, for a department that still works on paper.

Built from the application as the department opens it (``intake.review.open_application``:
every value opened, the read logged) or as its resident sees it (values masked).
Each field is printed with its label, its value as shown on screen and, in small
print, where the value came from. An application still to be signed (at the
counter, or waiting for co-signatures) gets an empty signature box for each
co-signer the procedure names; one who has signed online is marked as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from madoguchi import clock
from madoguchi.catalog.errors import ProcedureNotFound
from madoguchi.catalog.models import Catalog, Procedure
from madoguchi.intake.status import ApplicationStatus
from madoguchi.printing.document import SHADE, WIDTH, Printer
from madoguchi.printing.wording import department_name, signer_name, subject_label
from madoguchi.wording import era_day, era_moment, provenance

S = ApplicationStatus
TO_SIGN = frozenset({S.AT_COUNTER, S.AWAITING_SIGNATURES})
EMPTY = "（未記入）"
BOX_HEIGHT = 16 * mm
FIELD_LABEL_WIDTH = 60 * mm
"""Wide enough for most of a form's labels on one line (世帯主との続き柄, 加入するかたの氏（フリガナ）)."""


def form_pdf(application: Mapping[str, Any], catalog: Catalog) -> bytes:
    """The filled form as an A4 PDF. Raises FontMissing."""
    printer = Printer()
    procedure = _procedure(catalog, application["procedure"])
    name = procedure.name.ja if procedure is not None else application["procedure"]
    department, _ = department_name(catalog, application["department"])
    story: list[Flowable] = [printer.text(name, "title")]
    if procedure is not None:
        story.append(printer.text(f"根拠法令: {procedure.legal_basis}", "small"))
    story += [
        Spacer(0, 6),
        printer.rows([
            ("申請番号", application["reference"]),
            *([("受付番号", application["bundle"])] if application.get("bundle") else []),
            *([("申請日時", era_moment(application["submitted_at"]))] if application.get("submitted_at") else []),
            ("申請者（宛名番号）", application["applicant"]),
            ("対象のかた", subject_label(application["subject"], application["fields"])),
            ("担当課", department), ("状態", application["status_label"]),
            *([("期限", era_day(application["deadline"]) or "")] if application.get("deadline") else []),
        ]),
        printer.text("記載事項", "heading"),
        printer.rows([(field["label"], [printer.text(field.get("display") or EMPTY),
                                        printer.text(provenance(field.get("source"), catalog), "small")])
                      for field in application["fields"]], label_width=FIELD_LABEL_WIDTH),
    ]
    story += _correction(printer, application) + _attachments(printer, application)
    if S(application["status"]) in TO_SIGN and procedure is not None:
        story += _signature_boxes(printer, application, procedure)
    printed = era_moment(clock.now().isoformat())
    return printer.build(story, title=f"{name} {application['reference']}",
                         footer=f"申請番号 {application['reference']}　{printed} 印刷")


def _correction(printer: Printer, application: Mapping[str, Any]) -> list[Flowable]:
    correction = application.get("correction")
    if not correction:
        return []
    labels = {f["id"]: f["label"] for f in application["fields"]}
    return [printer.text("補正の依頼", "heading"), printer.rows([
        ("理由", correction.get("reason") or ""),
        ("直す項目", "、".join(labels.get(key, key) for key in correction.get("fields", []))),
    ])]


def _attachments(printer: Printer, application: Mapping[str, Any]) -> list[Flowable]:
    """The files handed over with it (the department fetches them from the intake API)."""
    attached = application.get("attachments") or []
    if not attached:
        return []
    names = {e["key"]: e["name"] for e in application.get("evidence") or []}
    return [printer.text("添付書類", "heading"),
            printer.rows([(names.get(a["evidence"], a["evidence"]), a["filename"]) for a in attached])]


def _procedure(catalog: Catalog, procedure_id: str) -> Procedure | None:
    """The procedure, or None when the catalog no longer has it (the form is still printed)."""
    try:
        return catalog.procedure(procedure_id)
    except ProcedureNotFound:
        return None


def _signature_boxes(printer: Printer, application: Mapping[str, Any], procedure: Procedure) -> list[Flowable]:
    """A row per co-signer: who, an empty box to sign in, the date — or that they signed online."""
    online = {(c["role"], c["position"]): c.get("signed_at") for c in application.get("co_signatures") or []
              if c.get("signed")}
    rows = []
    for signer in procedure.signers.required:
        if signer.role in ("applicant", "subject"):
            continue  # the applicant signed the bundle with their card
        for position in range(1, signer.count + 1):
            signed_at = online.get((signer.role, position))
            rows.append([printer.text(signer_name(signer.role, position, signer.count)),
                         printer.text(f"オンラインで署名済み（{era_moment(signed_at)}）" if signed_at else ""),
                         printer.text("" if signed_at else "　　年　　月　　日")])
    if not rows:
        return []
    table = printer.table([[printer.text("署名するかた"), printer.text("署名"), printer.text("署名した日")], *rows],
                          widths=[32 * mm, WIDTH - 82 * mm, 50 * mm], heights=[None] + [BOX_HEIGHT] * len(rows),
                          style=[("BACKGROUND", (0, 0), (-1, 0), SHADE), ("BACKGROUND", (0, 1), (0, -1), SHADE),
                                 ("VALIGN", (0, 1), (-1, -1), "MIDDLE")])
    return [printer.text("署名欄", "heading"),
            printer.text("署名するかたは、窓口で本人確認書類を示して、ご自身で署名してください。", "small"),
            Spacer(0, 4), table]
