"""An OpenID provider the tests run themselves: discovery, JWKS, authorize, token and userinfo.

It signs ID tokens with joserfc and checks of the relying party what a real
provider does: the client's authentication (``client_secret_basic`` or
``private_key_jwt``), the redirect URI, the PKCE verifier (S256), one use
per code. A test makes it misbehave — other claims, another signing key, an
earlier ID token handed out again — to see the city refuse.

``handle`` answers the back channel as an ``httpx.MockTransport`` handler;
``authorize`` plays the resident's browser at the provider (it logs in as
``subject`` at once); ``asgi`` serves both over HTTP for the browser tests.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from madoguchi import clock

ISSUER = "https://op.example"
CLIENT_ID = "madoguchi-city"
CLIENT_SECRET = "client-secret-of-the-city"
REDIRECT_URL = "https://testserver/login/oidc/callback"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SUBJECT = "op-subject-0001"


@dataclass
class _Grant:
    subject: str
    nonce: str | None
    challenge: str
    redirect_uri: str


@dataclass
class TestProvider:
    __test__ = False  # not a test class, whatever its name

    issuer: str
    key: RSAKey
    client_secret: str | None = CLIENT_SECRET
    client_key: RSAKey | None = None
    """The city's public key, for ``private_key_jwt``."""
    subject: str = SUBJECT
    """Who logs in at the provider."""
    released: dict[str, Any] = field(default_factory=dict)
    """Claims put into the ID token (the 4 basic items, when released there)."""
    userinfo_claims: dict[str, Any] = field(default_factory=dict)
    """Claims the userinfo endpoint adds to ``sub``."""
    changes: dict[str, Any] = field(default_factory=dict)
    """Claims of the next ID tokens overridden (``aud``, ``nonce``, ``exp``…)."""
    sign_with: RSAKey | None = None
    """A key that is not in the JWKS, to sign with instead."""
    replay: str | None = None
    """An ID token to hand out instead of a new one."""
    down: bool = False
    issued: list[str] = field(default_factory=list)
    """Every ID token handed out, in order."""
    _grants: dict[str, _Grant] = field(default_factory=dict)
    _access_tokens: dict[str, str] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": self.token_endpoint, "jwks_uri": f"{self.issuer}/jwks",
                "userinfo_endpoint": f"{self.issuer}/userinfo", "response_types_supported": ["code"],
                "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"]}

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/token"

    def authorize(self, url: str) -> str:
        """The resident at the authorization endpoint: where the provider sends the browser back."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert url.startswith(f"{self.issuer}/authorize?")
        assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
        assert "openid" in query["scope"].split() and query["code_challenge_method"] == "S256"
        code = secrets.token_urlsafe(16)
        self._grants[code] = _Grant(self.subject, query.get("nonce"), query["code_challenge"], query["redirect_uri"])
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            return httpx.Response(503, text="down for maintenance")
        path = request.url.path
        if path == "/.well-known/openid-configuration":
            return httpx.Response(200, json=self.metadata())
        if path == "/jwks":
            return httpx.Response(200, json={"keys": [self.key.as_dict(private=False)]})
        if path == "/token" and request.method == "POST":
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            status, body = self._token(form, request.headers.get("authorization"))
            return httpx.Response(status, json=body)
        if path == "/userinfo":
            subject = self._access_tokens.get(request.headers.get("authorization", "").removeprefix("Bearer "))
            if subject is None:
                return httpx.Response(401, json={"error": "invalid_token"})
            return httpx.Response(200, json={"sub": subject, **self.userinfo_claims})
        return httpx.Response(404)

    def asgi(self) -> Starlette:
        """The provider as a web site: the browser's authorize step, and the back channel."""

        async def authorize(request: Request) -> Response:
            return RedirectResponse(self.authorize(str(request.url)), status_code=303)

        async def back_channel(request: Request) -> Response:
            answer = self.handle(httpx.Request(request.method, str(request.url), headers=request.headers.raw,
                                               content=await request.body()))
            return Response(answer.content, answer.status_code, media_type=answer.headers.get("content-type"))

        return Starlette(routes=[Route("/authorize", authorize),
                                 Route("/{path:path}", back_channel, methods=["GET", "POST"])])

    def _token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict[str, Any]]:
        if not self._client_authenticated(form, authorization):
            return 401, {"error": "invalid_client"}
        grant = self._grants.pop(form.get("code", ""), None)
        if grant is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant.redirect_uri or _challenge(form.get("code_verifier", "")) != grant.challenge:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri or code_verifier"}
        access_token = secrets.token_urlsafe(16)
        self._access_tokens[access_token] = grant.subject
        id_token = self.replay or self._id_token(grant)
        self.issued.append(id_token)
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}

    def _id_token(self, grant: _Grant) -> str:
        now = int(clock.now().timestamp())
        claims = {"iss": self.issuer, "sub": grant.subject, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  **({"nonce": grant.nonce} if grant.nonce else {}), **self.released, **self.changes}
        key = self.sign_with or self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def _client_authenticated(self, form: dict[str, str], authorization: str | None) -> bool:
        if self.client_key is not None:
            return (form.get("client_assertion_type") == ASSERTION_TYPE
                    and self._assertion_valid(form.get("client_assertion", "")))
        if not authorization or not authorization.startswith("Basic ") or self.client_secret is None:
            return False
        client_id, _, secret = base64.b64decode(authorization.removeprefix("Basic ")).decode().partition(":")
        return unquote(client_id) == CLIENT_ID and unquote(secret) == self.client_secret

    def _assertion_valid(self, assertion: str) -> bool:
        assert self.client_key is not None
        try:
            token = jwt.decode(assertion, KeySet([self.client_key]))
            # authlib signs the assertion at the real time, whatever madoguchi's clock says
            jwt.JWTClaimsRegistry(iss={"essential": True, "value": CLIENT_ID},
                                  sub={"essential": True, "value": CLIENT_ID},
                                  aud={"essential": True, "value": self.token_endpoint},
                                  exp={"essential": True}).validate(token.claims)
        except JoseError:
            return False
        return True


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def an_rsa_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid})
