"""How the resident's pages are rendered: the Jinja2 environment, the page's common context, and errors as pages.

Every resident page extends ``journey/layout.html`` and gets from
``render_page`` its language, the logged-in resident's CSRF token (forms
carry it as ``csrf_token``; htmx sends it as ``X-CSRF-Token``, set on the
layout), and whether the demo's card reader is on. A page route is a
``PageRoute``: an expected error (``AppError``) becomes a page in the
resident's language — or, for an htmx request, a message in the page's alert
region — never problem+json; ``LoginRequired`` still goes to the login page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from madoguchi import __version__
from madoguchi.errors import AppError
from madoguchi.guidance.language import Lang
from madoguchi.identity.card_settings import get_card_settings
from madoguchi.settings import Settings
from madoguchi.web import i18n
from madoguchi.web.errors import new_instance
from madoguchi.web.i18n import N_
from madoguchi.web.resident import ResidentSession
from madoguchi.web.sessions import LoginRequired

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
i18n.install(templates.env)

logger = logging.getLogger("madoguchi.web")

PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
}
"""A resident's page is personal: not cached, not framed, and no script but the site's own runs in it."""

ERROR_MESSAGES = {
    "not-found": N_("There is nothing here for you. Only what you started yourself, logged in with your own "
                    "card, can be opened."),
    "draft-not-found": N_("There is nothing here for you. Only what you started yourself, logged in with your "
                          "own card, can be opened."),
    "application-not-found": N_("There is nothing here for you. Only what you started yourself, logged in with "
                                "your own card, can be opened."),
    "csrf-refused": N_("This page has expired. Go back, reload the page and try again."),
    "draft-expired": N_("This application was started more than a day ago. Start the life event again to see "
                        "the city's current records."),
    "application-already-open": N_("One of these procedures is already open in another application of yours. "
                                   "Follow that one on its status page."),
    "bundle-already-submitted": N_("This application has already been submitted."),
    "may-not-act-for": N_("One of these procedures must be filed by the person it is about. Ask at the "
                          "counter."),
    "signature-invalid": N_("The signature could not be verified. Sign with your own My Number card."),
    "card-not-linked": N_("This card is not linked to a resident of the city. Link it at the city office's "
                          "counter."),
    "card-certificate-expired": N_("The card's certificate has expired. Renew it at the city office."),
    "card-certificate-revoked": N_("The card's certificate has been revoked."),
    "card-revocation-unavailable": N_("Cards cannot be checked just now. Please try again later."),
    "event-not-found": N_("This life event cannot be started here: please come to the counter."),
    "demo-card-missing": N_("There is no demo card for this resident: issue one with the madoguchi card issue "
                            "command."),
}
"""What an expected error says to the resident, by its type; other errors say ``GENERIC_ERROR``."""
GENERIC_ERROR = N_("The request could not be completed.")
ERROR_TITLES = {404: N_("Not found"), 403: N_("Not allowed"), 410: N_("Expired"), 409: N_("Already done")}


async def submitted_form(request: Request) -> FormData:
    """The request's form, read on the event loop, so that the route itself runs in the thread pool: a route
    that waits on the database must not block the loop other requests need to finish their transactions."""
    return await request.form()


FormDep = Annotated[FormData, Depends(submitted_form)]


def demo_cards_enabled(settings: Settings) -> bool:
    """The demo's card reader is on: asked for, and no real card authority configured (production)."""
    return settings.demo_cards and get_card_settings().trust_dir is None


def render_page(request: Request, template: str, context: Mapping[str, Any] | None = None, *,
                resident: ResidentSession | None, lang: Lang | None = None,
                status_code: int = 200) -> HTMLResponse:
    """A resident page (the template extends ``journey/layout.html``) in the resident's language."""
    settings: Settings = request.app.state.settings
    return templates.TemplateResponse(request, template, {
        "version": __version__, "lang": lang or i18n.lang_of(request), "resident": resident,
        "csrf_token": resident.web.csrf_token if resident is not None else None,
        "demo_cards": demo_cards_enabled(settings), "here": request.url.path, **(context or {}),
    }, status_code=status_code, headers=PAGE_HEADERS)


def error_message(error: AppError, lang: str) -> str:
    return i18n.gettext(lang, ERROR_MESSAGES.get(error.type, GENERIC_ERROR))


def error_page(request: Request, error: AppError) -> Response:
    """An expected error as the resident sees it; logged like a problem (status, type, route, instance)."""
    instance = new_instance()
    route = request.scope.get("route")
    logger.info("page problem %s %s %s %s %s", error.status, error.type, request.method,
                getattr(route, "path", "(no route)"), instance)
    lang = i18n.lang_of(request)
    message = error_message(error, lang)
    if request.headers.get("HX-Request") == "true":  # into the page's alert region, which htmx swaps on 200
        return templates.TemplateResponse(request, "journey/_alert.html", {"lang": lang, "message": message},
                                          headers={**PAGE_HEADERS, "HX-Retarget": "#page-alert",
                                                   "HX-Reswap": "innerHTML"})
    return render_page(request, "journey/error.html", {
        "title": ERROR_TITLES.get(error.status, N_("Something went wrong")), "message": message,
        "instance": instance}, resident=None, lang=lang, status_code=error.status)


class PageRoute(APIRoute):
    """A page's route: expected errors become pages (``error_page``), the login redirect stays."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                raise
            except AppError as error:
                return error_page(request, error)

        return page_handler
