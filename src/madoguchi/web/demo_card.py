"""The demo's card reader: the phone's NFC reading of a My Number card, simulated with the demo's virtual cards.

Only the card is simulated. "Reading the card to log in" answers a real
login challenge with the virtual card's user-authentication key, server-side,
and logs in through ``resident.log_in_with_card`` — the code path of
``POST /api/v1/login/card``. "Signing with the card" signs exactly the bytes
``intake.bundles.content_to_sign`` gives with the card's signing key and
submits them as ``POST /api/v1/bundles`` does (``submit_bundle`` with the
card signature check). The cards are the files ``madoguchi card issue``
writes (``cards/<宛名番号>.json`` beside the key file).

It is off unless ``MADOGUCHI_DEMO_CARDS`` is set, and stays off while
``MADOGUCHI_CARD_TRUST_DIR`` names a real card authority (production): then
every route here answers 404, as one that does not exist. Each of its pages
says it is a demo.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from madoguchi import clock
from madoguchi.errors import AppError
from madoguchi.identity.card_challenge import issue_challenge
from madoguchi.identity.card_profile import ProfileError, read_basic_items
from madoguchi.identity.card_settings import get_card_settings
from madoguchi.identity.virtual_card import VirtualCard, cards_folder, load_virtual_card
from madoguchi.intake.bundles import content_to_sign, submit_bundle
from madoguchi.intake.card_signature import card_signature_check, sign_with
from madoguchi.intake.intake_errors import DraftNotFound
from madoguchi.settings import Settings
from madoguchi.web.deps import CatalogDep, PurposesDep, SessionDep, SettingsDep, VaultDep
from madoguchi.web.rendering import FormDep, PageRoute, demo_cards_enabled, render_page
from madoguchi.web.resident import CardTrustDep, ResidentWriteDep, log_in_with_card
from madoguchi.web.return_to import local_path
from madoguchi.web.sessions import (
    CsrfRefused,
    clear_form_token,
    form_token_matches,
    new_form_token,
    set_form_token_cookie,
)


class DemoCardMissing(AppError):
    status = 404
    type = "demo-card-missing"
    title = "No demo card"


def require_demo_cards(settings: SettingsDep) -> None:
    """Answer 404 for every route of the reader unless the demo's cards are on (never in production)."""
    if not demo_cards_enabled(settings):
        raise HTTPException(status_code=404, detail="Not Found")


router = APIRouter(prefix="/demo/card-reader", include_in_schema=False, route_class=PageRoute,
                   dependencies=[Depends(require_demo_cards)])


@dataclass(frozen=True)
class DemoCard:
    atena_number: str
    name: str
    birth_date: date | None
    """None where the register does not know it (the certificate carries the register's note instead)."""


def demo_cards(folder: Path) -> list[DemoCard]:
    """The virtual cards in the folder, named as their signing certificates name their holders."""
    cards = []
    for path in sorted(folder.glob("*.json")):
        if not path.stem.isdigit():
            continue
        try:
            items = read_basic_items(load_virtual_card(path).signing_certificate)
        except (OSError, ValueError, KeyError, ProfileError):
            continue  # a damaged file is no card
        cards.append(DemoCard(path.stem, items.name, _day(items.birth_date)))
    return cards


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def card_of(settings: Settings, atena_number: str) -> VirtualCard:
    """The resident's virtual card; raises DemoCardMissing."""
    path = cards_folder(settings) / f"{atena_number}.json"
    if not (atena_number.isascii() and atena_number.isdigit()) or not path.is_file():
        raise DemoCardMissing(f"no demo card for {atena_number!r}: issue one with `madoguchi card issue`")
    return load_virtual_card(path)


@router.get("", response_class=HTMLResponse)
def card_reader(request: Request, settings: SettingsDep,
                return_to: Annotated[str | None, Query(alias="next")] = None) -> HTMLResponse:
    """Show the demo's cards: choosing one reads it as the phone would, to log in and go on to ``next``."""
    token = new_form_token()
    response = render_page(request, "journey/demo_card_reader.html", {
        "cards": demo_cards(cards_folder(settings)), "form_token": token, "next": local_path(return_to)},
        resident=None)
    set_form_token_cookie(response, token, secure=not settings.insecure_cookies)
    return response


@router.post("/logins")
def read_card_to_log_in(request: Request, session: SessionDep, settings: SettingsDep, trust: CardTrustDep,
                              purposes: PurposesDep, vault: VaultDep, form: FormDep) -> Response:
    """Log in with the chosen card: a real challenge, answered with the card's user-authentication key."""
    if not form_token_matches(request, str(form.get("csrf_token") or "")):
        raise CsrfRefused("the card reader's page has expired")
    card = card_of(settings, str(form.get("card") or ""))
    challenge = issue_challenge(session, at=clock.now(),
                                lifetime=timedelta(seconds=get_card_settings().challenge_seconds))
    response = RedirectResponse(local_path(str(form.get("next") or "")), status_code=303)
    log_in_with_card(request, response, session, settings=settings, trust=trust, purposes=purposes, vault=vault,
                     challenge=challenge.nonce, certificate=card.auth_certificate_der,
                     signature=card.authenticate(challenge.nonce))
    clear_form_token(response, secure=not settings.insecure_cookies)
    return response


@router.post("/signatures")
def sign_with_card(request: Request, resident: ResidentWriteDep, session: SessionDep, settings: SettingsDep,
                         catalog: CatalogDep, trust: CardTrustDep, purposes: PurposesDep,
                         vault: VaultDep, form: FormDep) -> Response:
    """Sign the draft's content with the resident's own card and submit the bundle."""
    try:
        draft_id = uuid.UUID(str(form.get("draft") or ""))
    except ValueError:
        raise DraftNotFound("no such draft") from None
    card = card_of(settings, resident.atena_number)
    content = content_to_sign(session, actor=resident.actor, catalog=catalog, vault=vault, draft_id=draft_id,
                              values={})
    bundle = submit_bundle(session, actor=resident.actor, catalog=catalog, vault=vault,
                           check_signature=card_signature_check(trust, purposes=purposes, vault=vault),
                           draft_id=draft_id, values={},
                           signature=sign_with(card.sign(content), card.signing_certificate_der))
    return RedirectResponse(f"/bundles/{bundle.reference}?submitted=1", status_code=303)

