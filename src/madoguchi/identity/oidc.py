"""The city as an OpenID Connect relying party: a resident logs in at an OpenID provider.

The authorization code flow with PKCE (S256). ``begin_login`` sends the
browser to the provider with a fresh ``state``, ``nonce`` and code challenge,
kept in ``oidc_logins`` (the state is also the browser's: the web layer
holds it in a cookie, so an answer carried to another browser is refused).
``finish_login`` uses that login up — an answer counts once, and so does
its nonce — redeems the code at the token endpoint with the PKCE verifier
and the client's authentication, and verifies the ID token
(``oidc_claims``). The 4 basic items, when the provider releases them, come
from the ID token or else from its userinfo endpoint. Which resident the
subject is, ``oidc_links`` answers.

authlib speaks OAuth here (the authorization URL, the token request with
``client_secret_basic`` or ``private_key_jwt``); joserfc does the JOSE.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from sqlalchemy import delete
from sqlalchemy.orm import Session

from madoguchi.identity.card_profile import BasicItems
from madoguchi.identity.oidc_claims import released_items, verify_id_token
from madoguchi.identity.oidc_errors import (
    OidcCodeRefused,
    OidcIdTokenInvalid,
    OidcLoginCancelled,
    OidcProviderUnavailable,
    OidcStateInvalid,
)
from madoguchi.identity.oidc_models import OidcLogin
from madoguchi.identity.oidc_provider import TIMEOUT_SECONDS, Provider
from madoguchi.identity.oidc_settings import OidcSettings

with warnings.catch_warnings():  # authlib 1.9 asks for httpx2; the project is on httpx, which it still serves
    warnings.filterwarnings("ignore", "The httpx module is deprecated", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client, OAuthError


@dataclass(frozen=True)
class LoginStart:
    url: str
    """Where to send the browser: the provider's authorization endpoint with the request."""
    state: str
    """For the browser to keep until the provider sends it back."""


@dataclass(frozen=True)
class VerifiedLogin:
    """A login the provider vouched for: its subject, the basic items it released, where to go next."""

    issuer: str
    subject: str
    basic_items: BasicItems | None
    return_to: str


class RelyingParty:
    """The city at one provider, as the settings configure it; ``transport`` replaces the network (tests)."""

    def __init__(self, settings: OidcSettings, *, transport: httpx.BaseTransport | None = None) -> None:
        if not settings.issuer:
            raise ValueError("OpenID Connect is off: no issuer is set")
        self.settings = settings
        self.provider = Provider(settings.issuer, transport=transport)
        self._private_key = _private_key(settings.private_key_file) if settings.private_key_file else None

    def begin_login(self, session: Session, *, return_to: str, at: datetime) -> LoginStart:
        """A new login at the provider, kept until it comes back; raises OidcProviderUnavailable."""
        metadata = self.provider.metadata()
        state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64)
        with self._client() as client:
            url, _ = client.create_authorization_url(metadata.authorization_endpoint, state=state,
                                                     code_verifier=verifier, nonce=nonce)
        session.execute(delete(OidcLogin).where(OidcLogin.expires_at <= at))
        session.add(OidcLogin(state_hash=_digest(state), nonce=nonce, code_verifier=verifier, return_to=return_to,
                              expires_at=at + timedelta(seconds=self.settings.login_seconds)))
        session.flush()
        return LoginStart(url=str(url), state=state)

    def finish_login(self, session: Session, *, state: str, browser_state: str | None, code: str,
                     error: str | None, at: datetime) -> VerifiedLogin:
        """The provider's answer checked, its login used up; raises OidcStateInvalid,
        OidcLoginCancelled, OidcCodeRefused, OidcIdTokenInvalid, OidcProviderUnavailable."""
        login = _use_up(session, state=state, browser_state=browser_state, at=at)
        if error is not None or not code:
            raise OidcLoginCancelled("the provider answered with an error instead of a code")
        with self._client() as client:
            token = _redeem(client, self.provider.metadata().token_endpoint, code=code, verifier=login.code_verifier)
            id_token, access_token = token.get("id_token"), token.get("access_token")
            if not isinstance(id_token, str):
                raise OidcIdTokenInvalid("the token endpoint gave no ID token")
            claims = verify_id_token(self.provider, id_token, client_id=self.settings.client_id, nonce=login.nonce,
                                     access_token=access_token if isinstance(access_token, str) else None, at=at)
            items = released_items(claims)
            if items is None and isinstance(access_token, str) and self._asks_for_items():
                items = released_items(self._userinfo(access_token, subject=claims["sub"]))
        return VerifiedLogin(issuer=self.provider.issuer, subject=claims["sub"], basic_items=items,
                             return_to=login.return_to)

    def _client(self) -> Any:
        """authlib's OAuth client for this provider (untyped: authlib has no type hints)."""
        settings = self.settings
        secret: RSAKey | str | None = self._private_key or (
            settings.client_secret.get_secret_value() if settings.client_secret else None)
        client = OAuth2Client(client_id=settings.client_id, client_secret=secret,
                              token_endpoint_auth_method="private_key_jwt" if self._private_key else
                              "client_secret_basic", scope=settings.scopes, redirect_uri=settings.redirect_url,
                              code_challenge_method="S256", transport=self.provider.transport,
                              timeout=TIMEOUT_SECONDS)
        if self._private_key is not None:
            client.register_client_auth_method(PrivateKeyJWT(self.provider.metadata().token_endpoint,
                                                             headers={"kid": self._private_key.kid}))
        return client

    def _asks_for_items(self) -> bool:
        return set(self.settings.scopes.split()) != {"openid"}

    def _userinfo(self, access_token: str, *, subject: str) -> dict[str, Any]:
        """The userinfo claims (JSON), which must be about the ID token's subject (OpenID Connect Core §5.3.4)."""
        endpoint = self.provider.metadata().userinfo_endpoint
        if endpoint is None:
            return {}
        claims = self.provider.get_json(endpoint, headers={"Authorization": f"Bearer {access_token}"})
        if claims.get("sub") != subject:
            raise OidcIdTokenInvalid("the userinfo is about another subject than the ID token")
        return claims


@dataclass(frozen=True)
class _Pending:
    nonce: str
    code_verifier: str
    return_to: str


def _use_up(session: Session, *, state: str, browser_state: str | None, at: datetime) -> _Pending:
    """The login this answer is for, deleted so that no second answer finds it; raises OidcStateInvalid."""
    if not state or not browser_state or not hmac.compare_digest(state.encode(), browser_state.encode()):
        raise OidcStateInvalid("the answer's state is not the one this browser set out with")
    row = session.execute(delete(OidcLogin).where(OidcLogin.state_hash == _digest(state)).returning(
        OidcLogin.nonce, OidcLogin.code_verifier, OidcLogin.return_to, OidcLogin.expires_at)).first()
    if row is None:
        raise OidcStateInvalid("no login is waiting for this answer: it has been used, or was never begun")
    nonce, verifier, return_to, expires_at = row
    if at >= expires_at:
        raise OidcStateInvalid("the login took too long; begin again")
    return _Pending(nonce, verifier, return_to)


def _redeem(client: Any, token_endpoint: str, *, code: str, verifier: str) -> dict[str, Any]:
    """The token endpoint's answer for the code; raises OidcCodeRefused, OidcProviderUnavailable."""
    try:
        return dict(client.fetch_token(token_endpoint, grant_type="authorization_code", code=code,
                                       code_verifier=verifier))
    except OAuthError as refusal:
        raise OidcCodeRefused(f"the token endpoint answered {refusal.error!r}") from None
    except (httpx.HTTPError, ValueError):
        raise OidcProviderUnavailable("the token endpoint could not be used") from None


def _private_key(path: Path) -> RSAKey:
    """The client's RSA private key (PEM), with its thumbprint as key id."""
    try:
        key = RSAKey.import_key(path.read_bytes())
    except (OSError, JoseError, ValueError) as error:
        raise ValueError(f"MADOGUCHI_OIDC_PRIVATE_KEY_FILE: not a readable RSA private key ({error})") from None
    if not key.is_private:
        raise ValueError("MADOGUCHI_OIDC_PRIVATE_KEY_FILE holds a public key; the private one is needed")
    key.ensure_kid()
    return key


def _digest(state: str) -> str:
    return hashlib.sha256(state.encode("utf-8")).hexdigest()
