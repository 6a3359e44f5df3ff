"""The home page: what madoguchi is and the card login; once logged in, the life events, my drafts and my
applications.

``templates`` is the Jinja2 environment every server-rendered page uses (``web.rendering``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.catalog.models import Catalog
from madoguchi.guidance.language import say
from madoguchi.intake.application_models import Draft
from madoguchi.intake.tracking import list_bundles
from madoguchi.web.deps import CatalogDep, SessionDep
from madoguchi.web.i18n import as_lang, lang_of
from madoguchi.web.question_page import asked_online
from madoguchi.web.rendering import render_page, templates
from madoguchi.web.resident import LOGIN_PATH, current_resident
from madoguchi.web.sessions import LoginRequired, session_cookie_name

__all__ = ["router", "templates"]

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, catalog: CatalogDep) -> HTMLResponse:
    """Show what the site is and the life events (choosing one asks for the card first); once logged in, the
    life events and what is under way."""
    resident = current_resident(request, session)
    if resident is None:
        if session_cookie_name("resident") in request.cookies:  # a session that has ended: log in again
            raise LoginRequired("the session has ended", actor_kind="resident", login_url=LOGIN_PATH, expired=True)
        return render_page(request, "journey/home.html", {"events": _events(catalog, lang_of(request))},
                           resident=None)
    lang = lang_of(request)
    return render_page(request, "journey/home.html", {
        "events": _events(catalog, lang),
        "drafts": _open_drafts(session, resident.atena_number, catalog, lang),
        "bundles": [{**b, "event_name": _event_name(catalog, b["event"], lang)}
                    for b in list_bundles(session, actor=resident.actor)],
    }, resident=resident)


def _events(catalog: Catalog, lang: str) -> list[dict[str, Any]]:
    return [{"id": e.id, "name": say(e.name, as_lang(lang)), "online": asked_online(e)}
            for e in catalog.events.values()]


def _event_name(catalog: Catalog, event_id: str, lang: str) -> str:
    event = catalog.events.get(event_id)
    return say(event.name, as_lang(lang)) if event else event_id


def _open_drafts(session: Session, atena_number: str, catalog: Catalog, lang: str) -> list[dict[str, Any]]:
    """The resident's drafts still open, newest first: one per life event (started again, the newer counts).

    The query belongs in ``intake.drafts`` (a ``list_drafts`` service); it is here until that exists.
    """
    query = (select(Draft.draft_id, Draft.event, Draft.event_date, Draft.updated_at, Draft.expires_at)
             .where(Draft.applicant == atena_number, Draft.submitted_bundle.is_(None),
                    Draft.expires_at > clock.now())
             .order_by(Draft.updated_at.desc()))
    newest: dict[str, dict[str, Any]] = {}
    for row in session.execute(query):
        newest.setdefault(row.event, {"draft_id": str(row.draft_id), "event_name": _event_name(catalog, row.event, lang),
                                      "event_date": row.event_date, "expires_at": row.expires_at})
    return list(newest.values())
