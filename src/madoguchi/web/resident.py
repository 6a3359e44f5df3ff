"""The resident's session: the My Number card login, and the dependencies resident routes declare.

The login is the card's user-authentication certificate (利用者証明用電子証明書)
answering a one-time challenge; the certificate is tied to a resident by the
city's card link. The session is server-side (``web.sessions``): a resident
route declares ``ResidentDep``, one that changes something ``ResidentWriteDep``
(the session's CSRF token in ``X-CSRF-Token``).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, cast

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.identity.card_challenge import issue_challenge
from madoguchi.identity.card_links import resident_for
from madoguchi.identity.card_settings import get_card_settings
from madoguchi.identity.card_trust import CardTrust, configured_trust
from madoguchi.identity.card_verify import verify_challenge
from madoguchi.identity.errors import CardCertificateInvalid, CardNotLinked
from madoguchi.intake.card_signature import INTAKE
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.settings import Settings
from madoguchi.vault import Vault
from madoguchi.web.deps import PurposesDep, SessionDep, SettingsDep, VaultDep
from madoguchi.web.errors import problem_responses
from madoguchi.web.sessions import (
    LiveSession,
    LoginRequired,
    SessionPolicy,
    check_csrf,
    clear_session_cookie,
    end_session,
    resume_session,
    session_cookie_name,
    set_session_cookie,
    start_session,
    submitted_csrf_token,
)

RESIDENT_MAX = timedelta(hours=2)
"""A resident's session ends this long after login: a life event takes minutes, not hours."""
LOGIN_PATH = "/login"

router = APIRouter(prefix="/api/v1/login", tags=["resident login"], responses=problem_responses(401, 403, 422))


@dataclass(frozen=True)
class ResidentSession:
    atena_number: str
    web: LiveSession

    @property
    def actor(self) -> Actor:
        return Actor.resident(self.atena_number)


def get_card_trust(request: Request) -> CardTrust:
    """The trusted card authorities with their CRLs, read per request so a new CRL counts at once."""
    return configured_trust(cast(Settings, request.app.state.settings), get_card_settings())


CardTrustDep = Annotated[CardTrust, Depends(get_card_trust)]


def current_resident(request: Request, session: Session) -> ResidentSession | None:
    """The resident logged in on this request, if any (a page that shows something either way)."""
    live = resume_session(session, session_id=request.cookies.get(session_cookie_name("resident")))
    return ResidentSession(live.actor_id, live) if live is not None and live.actor_kind == "resident" else None


def get_resident(request: Request, session: SessionDep) -> ResidentSession:
    """The resident logged in on this request; raises LoginRequired."""
    resident = current_resident(request, session)
    if resident is None:
        raise LoginRequired("log in with your My Number card first", actor_kind="resident", login_url=LOGIN_PATH,
                            expired=session_cookie_name("resident") in request.cookies)
    return resident


ResidentDep = Annotated[ResidentSession, Depends(get_resident, scope="function")]


async def get_resident_write(request: Request, resident: ResidentDep) -> ResidentSession:
    """The resident's session on a request that changes something, with its CSRF token; raises CsrfRefused."""
    check_csrf(resident.web.csrf_token, await submitted_csrf_token(request))
    return resident


ResidentWriteDep = Annotated[ResidentSession, Depends(get_resident_write, scope="function")]


def resident_policy(settings: Settings) -> SessionPolicy:
    return SessionPolicy(idle=timedelta(minutes=settings.session_idle_minutes), absolute=RESIDENT_MAX)


class Challenge(BaseModel):
    challenge: str = Field(description="Base64 nonce for the card to sign with its user-authentication key.")
    expires_at: str


class CardLogin(BaseModel):
    challenge: str = Field(max_length=200)
    certificate: str = Field(max_length=8192, description="The user-authentication certificate, base64 DER.")
    signature: str = Field(max_length=2048, description="The card's signature over the challenge, base64.")


class LoggedIn(BaseModel):
    atena_number: str
    csrf_token: str = Field(description="Send it as `X-CSRF-Token` with every request that changes something.")
    expires_at: str


@router.post("/challenge")
def card_challenge(session: SessionDep) -> Challenge:
    """A one-time challenge for the card to sign (valid for a short while)."""
    challenge = issue_challenge(session, at=clock.now(),
                                lifetime=timedelta(seconds=get_card_settings().challenge_seconds))
    return Challenge(challenge=base64.b64encode(challenge.nonce).decode(),
                     expires_at=challenge.expires_at.isoformat())


@router.post("/card")
def card_login(body: CardLogin, request: Request, response: Response, session: SessionDep, settings: SettingsDep,
               trust: CardTrustDep, purposes: PurposesDep, vault: VaultDep) -> LoggedIn:
    """Log in with the card: its answer to the challenge verified, its certificate tied to a resident."""
    try:
        challenge, certificate, signature = (base64.b64decode(part, validate=True)
                                             for part in (body.challenge, body.certificate, body.signature))
    except (binascii.Error, ValueError):
        raise CardCertificateInvalid("the challenge, certificate and signature must be base64") from None
    live = log_in_with_card(request, response, session, settings=settings, trust=trust, purposes=purposes,
                            vault=vault, challenge=challenge, certificate=certificate, signature=signature)
    return LoggedIn(atena_number=live.actor_id, csrf_token=live.csrf_token, expires_at=live.expires_at.isoformat())


@router.post("/logout", status_code=204)
def resident_logout(resident: ResidentWriteDep, session: SessionDep, settings: SettingsDep) -> Response:
    """Log out: the session ends at once, and its cookie opens nothing any more."""
    response = Response(status_code=204)
    log_out(session, response, resident, settings)
    return response


def log_in_with_card(request: Request, response: Response, session: Session, *, settings: Settings,
                     trust: CardTrust, purposes: PurposeRegistry, vault: Vault, challenge: bytes,
                     certificate: bytes, signature: bytes) -> LiveSession:
    """The one card login, for the API and the demo's card reader alike: the card's answer to the challenge
    verified, its certificate tied to a resident, a new session put in ``response``'s cookie.

    A session the browser already held ends: a planted session id is never promoted.
    Raises as ``verify_challenge``, and CardNotLinked.
    """
    holder = verify_challenge(session, challenge=challenge, signature=signature, certificate_der=certificate,
                              trust=trust, at=clock.now())
    atena = resident_for(session, holder, actor=INTAKE, purposes=purposes, vault=vault)
    if atena is None:
        raise CardNotLinked("this card is not linked to a resident of the city: link it at the counter")
    previous = request.cookies.get(session_cookie_name("resident"))
    if previous:
        end_session(session, session_id=previous)
    live = start_session(session, actor_kind="resident", actor_id=atena, department=None,
                         policy=resident_policy(settings))
    set_session_cookie(response, live, secure=not settings.insecure_cookies)
    return live


def log_out(session: Session, response: Response, resident: ResidentSession, settings: Settings) -> None:
    """End the resident's session, and drop its cookie from the browser."""
    end_session(session, session_id=resident.web.session_id)
    clear_session_cookie(response, "resident", secure=not settings.insecure_cookies)
