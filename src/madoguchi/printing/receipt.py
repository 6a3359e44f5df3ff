"""The receipt (受付控え) of a bundle: what the resident keeps, on the page and as a PDF.

Built from what the resident sees of their bundle (``intake.tracking.bundle_status``):
its reference number, when it was sent, and for each application whom it is for,
the department and its counter, its own reference, status, deadline and what
happens next. It shows no field values — so no My Number and no account — only
the labels of fields a department asked to correct.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Spacer

from madoguchi.catalog.models import Catalog
from madoguchi.intake.status import LABELS_JA, ApplicationStatus
from madoguchi.printing.document import Printer
from madoguchi.printing.wording import department_name, signer_name, subject_label
from madoguchi.wording import era_day, era_moment, event_name, procedure_name

S = ApplicationStatus
BRING = "この受付控え（受付番号がわかるもの）と、署名するかたそれぞれの本人確認書類（マイナンバーカード、運転免許証など）"
CONTACT = "お問い合わせのときは、受付番号か申請番号をお伝えください。"


@dataclass(frozen=True)
class ReceiptLine:
    """One application as the receipt shows it."""

    reference: str
    procedure: str
    subject: str
    department: str
    counter: str | None
    status: str
    status_label: str
    deadline: str | None
    """和暦, when the procedure has one."""
    next_step: str


@dataclass(frozen=True)
class Receipt:
    reference: str
    event: str
    submitted_at: str
    applications: list[ReceiptLine]


def receipt_of(status: Mapping[str, Any], catalog: Catalog) -> Receipt:
    """What the receipt says, from ``bundle_status``'s answer (the page and the PDF show the same)."""
    event_day = era_day(status["date"])
    return Receipt(reference=status["reference"], event=f"{event_name(catalog, status['event'])}（{event_day}）",
                   submitted_at=era_moment(status["submitted_at"]),
                   applications=[_line(a, catalog) for a in status["applications"]])


def receipt_pdf(status: Mapping[str, Any], catalog: Catalog) -> bytes:
    """The receipt as an A4 PDF. Raises FontMissing."""
    receipt = receipt_of(status, catalog)
    printer = Printer()
    story: list[Flowable] = [
        printer.text("受付控え", "title"),
        printer.text("受付番号", "heading"),
        printer.text(receipt.reference, "reference"),
        printer.rows([("できごと", receipt.event), ("申請日時", receipt.submitted_at)]),
        printer.text(CONTACT, "small"),
        Spacer(0, 8),
    ]
    for number, line in enumerate(receipt.applications, start=1):
        story.append(KeepTogether([
            printer.text(f"{number}. {line.procedure}", "heading"),
            printer.rows([
                ("申請番号", line.reference), ("対象のかた", line.subject),
                ("担当課", line.department + (f"（{line.counter}）" if line.counter else "")),
                ("状態", line.status_label), *([("期限", line.deadline)] if line.deadline else []),
                ("このあと", line.next_step),
            ]),
            Spacer(0, 8),
        ]))
    return printer.build(story, title=f"受付控え {receipt.reference}", footer=f"受付番号 {receipt.reference}")


def _line(application: Mapping[str, Any], catalog: Catalog) -> ReceiptLine:
    status = S(application["status"])
    department, counter = department_name(catalog, application["department"])
    return ReceiptLine(reference=application["reference"], procedure=procedure_name(catalog, application["procedure"]),
                       subject=subject_label(application["subject"], application["fields"]),
                       department=department, counter=counter, status=status.value, status_label=LABELS_JA[status],
                       deadline=era_day(application.get("deadline")),
                       next_step=next_step(application, counter or f"{department}の窓口"))


def next_step(application: Mapping[str, Any], counter: str) -> str:
    """What happens next, in plain Japanese, for the application's status."""
    status = S(application["status"])
    if status == S.AWAITING_SIGNATURES:
        return (f"署名をお願いしたかた（{_signers(application)}）が署名すると、担当課に届きます。"
                "オンラインで署名できないかたがいるときは、窓口で署名することもできます。")
    if status == S.AT_COUNTER:
        return (f"{counter}で、署名するかた（{_signers(application)}）が署名してください。"
                f"持ち物: {BRING}。")
    if status == S.NEEDS_CORRECTION:
        correction = application.get("correction") or {}
        labels = {f["id"]: f["label"] for f in application["fields"]}
        to_fix = "、".join(labels.get(key, key) for key in correction.get("fields", []))
        return (f"担当課から直してほしいとの連絡があります。理由: {correction.get('reason') or '（記載なし）'}。"
                f"直す項目: {to_fix}。直して送ると、もう一度担当課に届きます。")
    if status == S.REJECTED:
        reason = next((h.get("reason") for h in reversed(application.get("history", []))
                       if h.get("status") == S.REJECTED), None)
        return f"受理されませんでした。理由: {reason or '（記載なし）'}。ご不明な点は{counter}へお問い合わせください。"
    return {
        S.RECEIVED: "担当課が内容を確認します。結果はこの受付番号でご確認いただけます。",
        S.IN_REVIEW: "担当課が内容を審査しています。結果はこの受付番号でご確認いただけます。",
        S.ACCEPTED: "受理されました。この手続は完了です。",
    }[status]


def _signers(application: Mapping[str, Any]) -> str:
    """The co-signers who have not signed yet: 配偶者、証人1、証人2."""
    rows: Sequence[Mapping[str, Any]] = application.get("co_signatures") or []
    per_role = Counter(str(r["role"]) for r in rows)
    return "、".join(signer_name(r["role"], r["position"], per_role[r["role"]]) for r in rows if not r.get("signed"))
