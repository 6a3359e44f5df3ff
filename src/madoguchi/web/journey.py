"""The resident's journey as pages: log in, choose a life event, answer, see the plan, confirm, sign, follow.

    /login → / (life events, my drafts, my applications) → /life-events/{event}
    → /drafts/{id}/plan → /drafts/{id} (confirm, values kept as given) → /drafts/{id}/signature
    → the card signs (the demo's reader: ``web.demo_card``) → /bundles/{reference} (status, corrections)

Every route but the login page acts for the resident logged in with their
card, on their own drafts and bundles only: another resident's draft id or
bundle reference answers 404, as one that does not exist. Routes that change
something carry the session's CSRF token (a form's ``csrf_token``, htmx's
``X-CSRF-Token``). The routes stay thin: the navigator (``guidance``) and the
intake do the work, the ``*_page`` modules shape what a page shows.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import JsonValue
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from madoguchi import clock
from madoguchi.catalog.errors import EventNotFound
from madoguchi.catalog.models import Catalog, Event
from madoguchi.guidance.errors import EventDateInvalid
from madoguchi.guidance.service import read_situation
from madoguchi.guidance.situation import Situation
from madoguchi.intake.application_models import Attachment, Draft
from madoguchi.intake.attachments import MAX_BYTES, add_attachment, attachments_of
from madoguchi.intake.bundles import content_to_sign
from madoguchi.intake.drafts import (
    DraftView,
    create_draft,
    find_draft,
    given_values,
    save_values,
    show_draft,
    view_of,
)
from madoguchi.intake.intake_errors import (
    AttachmentRefused,
    DraftExpired,
    DraftNotFound,
    EvidenceMissing,
    NotYours,
    ValuesInvalid,
)
from madoguchi.intake.references import normalise_reference
from madoguchi.intake.review import correct_application
from madoguchi.intake.signing import digest
from madoguchi.intake.tracking import bundle_status
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.rules import AnswerInvalid
from madoguchi.settings import Settings
from madoguchi.vault import Vault
from madoguchi.web.answer_defaults import default_values
from madoguchi.web.confirmation_page import (
    ConfirmationPage,
    certificates_of,
    confirmation_page,
    key_of,
    values_from_form,
)
from madoguchi.web.deps import CatalogDep, PurposesDep, SessionDep, SettingsDep, VaultDep
from madoguchi.web.errors import log_refusal
from madoguchi.web.i18n import LANG_COOKIE, LANGS, N_, as_lang, gettext, lang_of
from madoguchi.web.oidc_login import LOGIN_PATH as OIDC_LOGIN_PATH
from madoguchi.web.oidc_login import RelyingPartyDep
from madoguchi.web.question_page import answers_from_form, asked_online, question_page, still_asked
from madoguchi.web.rendering import FormDep, PageRoute, demo_cards_enabled, render_page
from madoguchi.web.resident import (
    LOGIN_PATH,
    ResidentDep,
    ResidentSession,
    ResidentWriteDep,
    current_resident,
    log_out,
)
from madoguchi.web.return_to import local_path, with_next
from madoguchi.web.status_page import status_page
from madoguchi.web.wording import people_names, procedure_name, value_message

router = APIRouter(include_in_schema=False, route_class=PageRoute)

LOGIN_NOTICES = {
    "expired": N_("You were logged out after a while without activity, or at the end of the session. Log in "
                  "again."),
    "logged-out": N_("You have logged out."),
}
LANG_MAX_AGE = int(timedelta(days=365).total_seconds())
ATTACH_AGAIN = N_("This file cannot be attached: use a PDF, JPEG or PNG photo of at most 5 MB.")
ATTACH_NEEDED = N_("Attach this before signing.")
DATE_NEEDED = N_("Give the date.")
DATE_INVALID = N_("This date cannot be used: it may not be in the future.")
ANSWER_INVALID = N_("This answer cannot be used.")
ONE_MORE = N_("With your answers, one more question matters: please answer it.")


@router.get(LOGIN_PATH, response_class=HTMLResponse)
def login_page(request: Request, session: SessionDep, party: RelyingPartyDep, reason: str | None = None,
               return_to: Annotated[str | None, Query(alias="next")] = None) -> Response:
    """Show the ways to log in — the My Number card, and the identity provider where one is configured — then
    go on to ``next`` (there at once when logged in)."""
    if current_resident(request, session) is not None:
        return RedirectResponse(local_path(return_to), status_code=303)
    return render_page(request, "journey/login.html", {
        "notice": LOGIN_NOTICES.get(reason or ""), "reader": with_next("/demo/card-reader", return_to),
        "provider": f"{OIDC_LOGIN_PATH}?{urlencode({'next': local_path(return_to)})}" if party is not None else None},
        resident=None)


@router.post("/logout")
def log_out_page(resident: ResidentWriteDep, session: SessionDep, settings: SettingsDep) -> Response:
    """Log out and show the login page."""
    response = RedirectResponse(f"{LOGIN_PATH}?reason=logged-out", status_code=303)
    log_out(session, response, resident, settings)
    return response


@router.get("/language/{lang}")
def choose_language(lang: str, settings: SettingsDep,
                    return_to: Annotated[str | None, Query(alias="next")] = None) -> Response:
    """Show the pages in Japanese or English from now on, and go back to the page."""
    response = RedirectResponse(local_path(return_to), status_code=303)
    response.set_cookie(LANG_COOKIE, lang if lang in LANGS else "ja", max_age=LANG_MAX_AGE, path="/",
                        secure=not settings.insecure_cookies, httponly=True, samesite="lax")
    return response


@router.get("/life-events/{event_id}", response_class=HTMLResponse)
def event_questions(request: Request, event_id: str, resident: ResidentDep, session: SessionDep,
                    catalog: CatalogDep, purposes: PurposesDep, vault: VaultDep) -> HTMLResponse:
    """Ask the questions of a life event the city's records cannot answer."""
    event = _online_event(catalog, event_id)
    situation = _situation(session, resident, catalog, purposes, vault, event)
    page = question_page(catalog, situation, today=clock.today(), lang=lang_of(request))
    return render_page(request, "journey/questions.html", {"page": page}, resident=resident)


@router.post("/life-events/{event_id}/drafts", response_class=HTMLResponse)
def start_draft(request: Request, event_id: str, resident: ResidentWriteDep, session: SessionDep,
                      catalog: CatalogDep, purposes: PurposesDep, vault: VaultDep, form: FormDep) -> Response:
    """Plan the life event with the answers given and fill every form: the draft, then its plan."""
    event = _online_event(catalog, event_id)
    lang = lang_of(request)
    answers, errors = answers_from_form(event, form)
    situation = None
    if errors:  # a question the other answers made moot may stay unanswered
        situation = _situation(session, resident, catalog, purposes, vault, event)
        errors = still_asked(catalog, situation, errors, answers)
    raw_date = str(form.get("date") or "").strip()
    event_date = _date(raw_date)
    date_error = None if event_date is not None else DATE_NEEDED
    notice = instance = None
    if not errors and event_date is not None:
        try:
            with session.begin_nested():  # a refusal after the household read leaves nothing in the access log
                draft = create_draft(session, actor=resident.actor, catalog=catalog, purposes=purposes,
                                     vault=vault, event_id=event.id, event_date=event_date, answers=answers,
                                     lang=lang)
        except EventDateInvalid as refusal:
            date_error = DATE_INVALID
            instance = log_refusal(request, status=refusal.status, slug=refusal.type)
        except AnswerInvalid as refusal:
            errors[refusal.question] = ANSWER_INVALID
            instance = log_refusal(request, status=refusal.status, slug=refusal.type)
        else:
            if not draft.filled["plan"]["questions"]:
                return RedirectResponse(f"/drafts/{draft.draft_id}/plan", status_code=303)
            notice = ONE_MORE  # an answer made another question matter (the date of a funeral held)
    situation = situation or _situation(session, resident, catalog, purposes, vault, event)
    page = question_page(catalog, situation, today=clock.today(), lang=lang, given=answers, event_date=raw_date,
                         errors={key: gettext(lang, message) for key, message in errors.items()},
                         date_error=gettext(lang, date_error) if date_error else None)
    return render_page(request, "journey/questions.html", {"page": page, "notice": notice, "instance": instance},
                       resident=resident, status_code=200 if notice else 422)


@router.get("/drafts/{draft_id}/plan", response_class=HTMLResponse)
def plan_page(request: Request, draft_id: str, resident: ResidentDep, session: SessionDep,
              catalog: CatalogDep) -> Response:
    """Show the plan: each procedure with its reason, department and deadline; what needs none."""
    draft = open_view(session, resident, draft_id)
    if draft.submitted_bundle is not None:
        return RedirectResponse(f"/bundles/{draft.submitted_bundle}", status_code=303)
    plan = draft.filled["plan"]
    undecided = [n["procedure"] for n in (*plan["needs_answers"], *plan["needs_staff_check"])]
    shown = draft.to_json()
    handed_over = _verified_issuers(session, resident, draft.draft_id)
    return render_page(request, "journey/plan.html", {
        "draft": shown, "names": {p: procedure_name(catalog, p, plan["lang"]) for p in undecided},
        "certificates": [c for c in certificates_of(shown, catalog, verified_by=handed_over)
                         if c.verified_by is None]}, resident=resident)


@router.get("/drafts/{draft_id}", response_class=HTMLResponse)
def confirmation(request: Request, draft_id: str, resident: ResidentDep, session: SessionDep,
                 catalog: CatalogDep, vault: VaultDep) -> Response:
    """Show every form of the bundle, prefilled, and ask only what is missing."""
    view = open_view(session, resident, draft_id)
    if view.submitted_bundle is not None:
        return RedirectResponse(f"/bundles/{view.submitted_bundle}", status_code=303)
    return confirmation_response(request, resident,
                                 confirmation_of(session, resident, view.draft_id, catalog, vault))


@router.post("/drafts/{draft_id}/values", response_class=HTMLResponse)
def keep_value(request: Request, draft_id: str, resident: ResidentWriteDep, session: SessionDep,
                     catalog: CatalogDep, vault: VaultDep, form: FormDep) -> HTMLResponse:
    """Keep the values given so far (htmx, as each is given) and show the field again, saved or refused."""
    view = open_view(session, resident, draft_id)
    values = values_from_form(view.filled["inputs"], form)
    errors = keep_values(session, resident, view, catalog, vault, values, lang_of(request))
    page = confirmation_of(session, resident, view.draft_id, catalog, vault, errors=errors)
    key = str(form.get("key") or "")
    shown = next((i for i in page.inputs if i.key == key), None)
    if shown is None:
        raise DraftNotFound(f"the draft asks no value {key!r}")
    return render_page(request, "journey/_input.html", {
        "input": shown, "page": page, "saved": shown.error is None and shown.typing}, resident=resident)


@router.post("/drafts/{draft_id}", response_class=HTMLResponse)
def confirm(request: Request, draft_id: str, resident: ResidentWriteDep, session: SessionDep,
            catalog: CatalogDep, vault: VaultDep, settings: SettingsDep, form: FormDep) -> Response:
    """Keep every value of the page and, when nothing is missing, sign with the card; else show what is missing."""
    view = open_view(session, resident, draft_id)
    lang = lang_of(request)
    values = values_from_form(view.filled["inputs"], form)
    errors = keep_values(session, resident, view, catalog, vault, values, lang)
    page = confirmation_of(session, resident, view.draft_id, catalog, vault, errors=errors)
    missing = {f"{e.procedure}/{e.subject}/{e.key}": gettext(lang, ATTACH_NEEDED)
               for e in page.evidence if e.required and e.attached is None}
    if not errors and not missing:
        try:
            content_to_sign(session, actor=resident.actor, catalog=catalog, vault=vault, draft_id=view.draft_id,
                            values={})
        except ValuesInvalid as refusal:
            errors = _errors(refusal, lang)
        else:
            return _to_the_card(settings, view.draft_id)
    page = confirmation_of(session, resident, view.draft_id, catalog, vault, submitted=values, errors=errors,
                           evidence_errors=missing)
    return confirmation_response(request, resident, page, status_code=422)


def _to_the_card(settings: Settings, draft_id: uuid.UUID) -> Response:
    """On to the card's signature: the demo's reader takes the same request (307 keeps its method and form,
    with the draft and the CSRF token); without it, the page that says how the card signs."""
    if demo_cards_enabled(settings):
        return RedirectResponse("/demo/card-reader/signatures", status_code=307)
    return RedirectResponse(f"/drafts/{draft_id}/signature", status_code=303)


@router.post("/drafts/{draft_id}/attachments", response_class=HTMLResponse)
def attach(request: Request, draft_id: str, resident: ResidentWriteDep, session: SessionDep,
                 catalog: CatalogDep, vault: VaultDep, form: FormDep) -> Response:
    """Attach a photo or PDF as a form's evidence (a birth certificate photographed)."""
    view = open_view(session, resident, draft_id)
    procedure, subject, evidence = (str(form.get(name) or "") for name in ("procedure", "subject", "evidence"))
    where = f"{procedure}/{subject}/{evidence}"
    error = None
    try:
        file = form.get("file")
        content = file.file.read(MAX_BYTES + 1) if isinstance(file, UploadFile) else b""
        if len(content) > MAX_BYTES:
            raise AttachmentRefused("too large")
        with session.begin_nested():
            add_attachment(session, actor=resident.actor, draft_id=view.draft_id, procedure=procedure,
                           subject=subject, evidence=evidence,
                           filename=(file.filename if isinstance(file, UploadFile) else None) or "file",
                           media_type=(file.content_type if isinstance(file, UploadFile) else None) or "",
                           content=content)
    except AttachmentRefused:
        error = gettext(lang_of(request), ATTACH_AGAIN)
    page = confirmation_of(session, resident, view.draft_id, catalog, vault,
                           evidence_errors={where: error} if error else None)
    if request.headers.get("HX-Request") == "true":
        shown = next((e for e in page.evidence if f"{e.procedure}/{e.subject}/{e.key}" == where), None)
        if shown is None:
            raise DraftNotFound(f"the draft asks for no {where}")
        return render_page(request, "journey/_evidence.html", {"item": shown, "page": page}, resident=resident)
    if error:
        return confirmation_response(request, resident, page, status_code=422)
    return RedirectResponse(f"/drafts/{view.draft_id}#evidence", status_code=303)


@router.get("/drafts/{draft_id}/signature", response_class=HTMLResponse)
def signature_page(request: Request, draft_id: str, resident: ResidentDep, session: SessionDep,
                   catalog: CatalogDep, vault: VaultDep) -> Response:
    """Show what the card signs, and sign it."""
    view = open_view(session, resident, draft_id)
    if view.submitted_bundle is not None:
        return RedirectResponse(f"/bundles/{view.submitted_bundle}", status_code=303)
    try:
        content = content_to_sign(session, actor=resident.actor, catalog=catalog, vault=vault,
                                  draft_id=view.draft_id, values={})
    except (ValuesInvalid, EvidenceMissing):
        return RedirectResponse(f"/drafts/{view.draft_id}", status_code=303)
    return render_page(request, "journey/signature.html", {
        "draft": view.to_json(), "fingerprint": digest(content)[:16]}, resident=resident)


@router.get("/bundles/{reference}", response_class=HTMLResponse)
def bundle_page(request: Request, reference: str, resident: ResidentDep, session: SessionDep,
                catalog: CatalogDep) -> HTMLResponse:
    """Show each application's status and history (htmx asks again every 15 s), and any correction asked."""
    return _status_response(request, resident, session, catalog, reference)


@router.post("/bundles/{reference}/applications/{application}/correction", response_class=HTMLResponse)
def correct(request: Request, reference: str, application: str, resident: ResidentWriteDep,
                  session: SessionDep, catalog: CatalogDep, vault: VaultDep, form: FormDep) -> Response:
    """Fix only the fields the department sent back; the application goes to it again."""
    bundle = bundle_status(session, actor=resident.actor, reference=reference)
    found = next((a for a in bundle["applications"] if a["reference"] == normalise_reference(application)), None)
    if found is None:
        raise NotYours("no such application in this bundle of yours")
    procedure = catalog.procedure(found["procedure"])
    asked = [{"key": f, "type": field.type} for f in (found.get("correction") or {}).get("fields", [])
             if (field := procedure.field(f)) is not None]
    lang = lang_of(request)
    try:
        with session.begin_nested():
            correct_application(session, actor=resident.actor, catalog=catalog, vault=vault,
                                reference=found["reference"], values=values_from_form(asked, form))
    except ValuesInvalid as refusal:
        return _status_response(request, resident, session, catalog, reference,
                                errors={found["reference"]: _errors(refusal, lang)}, status_code=422)
    return RedirectResponse(f"/bundles/{bundle['reference']}?corrected=1", status_code=303)


def _status_response(request: Request, resident: ResidentSession, session: Session, catalog: Catalog,
                     reference: str, *, errors: Mapping[str, Mapping[str, str]] | None = None,
                     status_code: int = 200) -> HTMLResponse:
    bundle = bundle_status(session, actor=resident.actor, reference=reference)
    page = status_page(bundle, catalog, applicant=resident.atena_number, lang=lang_of(request), errors=errors)
    template = "journey/_statuses.html" if request.headers.get("HX-Request") == "true" else "journey/bundle.html"
    return render_page(request, template, {
        "page": page, "submitted": "submitted" in request.query_params,
        "corrected": "corrected" in request.query_params,
        "receipt_url": f"/bundles/{page.reference}/receipt"}, resident=resident, status_code=status_code)


def _situation(session: Session, resident: ResidentSession, catalog: Catalog, purposes: PurposeRegistry,
               vault: Vault, event: Event) -> Situation:
    """The household as the questions page sees it (the navigator's read, logged)."""
    return read_situation(session, actor=resident.actor, catalog=catalog, purposes=purposes, vault=vault,
                          event_id=event.id, applicant=resident.atena_number, event_date=clock.today(), answers={})


def _online_event(catalog: Catalog, event_id: str) -> Event:
    """The life event, if it can be started here (a move-in's people are not in the hub: at the counter)."""
    event = catalog.event(event_id)
    if not asked_online(event):
        raise EventNotFound(f"the life event {event_id!r} is handled at the counter")
    return event


def open_view(session: Session, resident: ResidentSession, draft_id: str) -> DraftView:
    """The resident's draft (another's answers 404); raises DraftExpired for one past its lifetime."""
    try:
        parsed = uuid.UUID(draft_id)
    except ValueError:
        raise DraftNotFound("no such draft") from None
    view = show_draft(session, actor=resident.actor, draft_id=parsed)
    if view.submitted_bundle is None and view.expires_at <= clock.now():
        raise DraftExpired("the draft is older than a day")
    return view


def confirmation_of(session: Session, resident: ResidentSession, draft_id: uuid.UUID, catalog: Catalog,
                    vault: Vault, *, submitted: Mapping[str, JsonValue] | None = None,
                    errors: Mapping[str, str] | None = None,
                    evidence_errors: Mapping[str, str] | None = None) -> ConfirmationPage:
    """The confirmation page of the resident's draft as it stands."""
    draft = find_draft(session, actor=resident.actor, draft_id=draft_id)
    shown = view_of(draft).to_json()
    files = attachments_of(session, draft)
    return confirmation_page(shown, catalog, given=given_values(draft, vault),
                             attached={(a.procedure, a.subject, a.evidence): a.filename for a in files},
                             verified_by=_issuers(draft, files),
                             names=people_names(shown["forms"]), defaults=default_values(shown, draft.answers),
                             submitted=submitted, errors=errors, evidence_errors=evidence_errors)


def _verified_issuers(session: Session, resident: ResidentSession,
                      draft_id: uuid.UUID) -> dict[tuple[str, str, str], str]:
    """Who issued each digital certificate attached to the draft, by procedure, subject and evidence."""
    draft = find_draft(session, actor=resident.actor, draft_id=draft_id)
    return _issuers(draft, attachments_of(session, draft))


def _issuers(draft: Draft, files: Sequence[Attachment]) -> dict[tuple[str, str, str], str]:
    lang = as_lang(draft.lang)
    return {(a.procedure, a.subject, a.evidence): a.verified["issuer"]["name"][lang]
            for a in files if a.verified is not None}


def keep_values(session: Session, resident: ResidentSession, view: DraftView, catalog: Catalog, vault: Vault,
                values: Mapping[str, JsonValue], lang: str) -> dict[str, str]:
    """Keep every good value given, and say what is wrong with the others (by input key)."""
    errors: dict[str, str] = {}
    for _ in range(2):  # all at once; if some are refused, the others without them
        try:
            save_values(session, actor=resident.actor, catalog=catalog, vault=vault, draft_id=view.draft_id,
                        values={key: value for key, value in values.items() if key not in errors})
            break
        except ValuesInvalid as refusal:
            errors |= _errors(refusal, lang)
    return errors


def _errors(refusal: ValuesInvalid, lang: str) -> dict[str, str]:
    return {key_of(pointer): value_message(message, lang) for pointer, message in refusal.fields.items()}


def confirmation_response(request: Request, resident: ResidentSession, page: ConfirmationPage, *,
                          status_code: int = 200) -> HTMLResponse:
    return render_page(request, "journey/confirmation.html", {"page": page}, resident=resident,
                       status_code=status_code)


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None

