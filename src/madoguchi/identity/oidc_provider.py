"""The OpenID provider as this site sees it: its discovery document and its signing keys.

Both are fetched once and kept in memory; the keys are fetched again when
an ID token names a key the kept set does not have (the provider rotated
its keys). The discovery document must name the configured issuer exactly
(OpenID Connect Discovery §4.3), and every endpoint must be https — or http
on a loopback address, for a provider the tests or the demo run themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from madoguchi.identity.oidc_errors import OidcProviderUnavailable

DISCOVERY_PATH = "/.well-known/openid-configuration"
TIMEOUT_SECONDS = 10.0
ALGORITHMS = ("RS256", "PS256", "ES256")
"""The ID token signatures accepted: asymmetric ones only (RS256 is the one every provider offers)."""
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    algorithms: tuple[str, ...]
    """The provider's ID token algorithms this site accepts."""


class Provider:
    """One OpenID provider; ``transport`` replaces the network (tests)."""

    def __init__(self, issuer: str, *, transport: httpx.BaseTransport | None = None) -> None:
        self.issuer = issuer
        self.transport = transport
        self._metadata: ProviderMetadata | None = None
        self._keys: KeySet | None = None

    def metadata(self) -> ProviderMetadata:
        """The discovery document, checked; raises OidcProviderUnavailable."""
        if self._metadata is None:
            self._metadata = _read_metadata(self.get_json(self.issuer.rstrip("/") + DISCOVERY_PATH), self.issuer)
        return self._metadata

    def keys(self, *, refresh: bool = False) -> KeySet:
        """The provider's public keys (its JWKS); raises OidcProviderUnavailable."""
        if self._keys is None or refresh:
            document = self.get_json(self.metadata().jwks_uri)
            try:
                self._keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
            except (JoseError, ValueError, TypeError, KeyError):
                raise OidcProviderUnavailable("the provider's key set (JWKS) cannot be read") from None
        return self._keys

    def get_json(self, url: str, *, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
        """A JSON object from the provider; raises OidcProviderUnavailable."""
        try:
            with httpx.Client(transport=self.transport, timeout=TIMEOUT_SECONDS) as client:
                response = client.get(url, headers=dict(headers or {}))
                response.raise_for_status()
                document = response.json()
        except (httpx.HTTPError, ValueError):
            raise OidcProviderUnavailable(f"the provider did not answer {urlsplit(url).path} with JSON") from None
        if not isinstance(document, dict):
            raise OidcProviderUnavailable(f"the provider's {urlsplit(url).path} is not a JSON object")
        return document


def secure_url(url: str) -> bool:
    """https, or http on a loopback address."""
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)


def _read_metadata(document: dict[str, Any], issuer: str) -> ProviderMetadata:
    if document.get("issuer") != issuer:
        raise OidcProviderUnavailable("the provider's discovery document names another issuer")
    endpoints = {name: document.get(name) for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")}
    userinfo = document.get("userinfo_endpoint")
    if not all(isinstance(url, str) and secure_url(url) for url in endpoints.values()) or not (
            userinfo is None or (isinstance(userinfo, str) and secure_url(userinfo))):
        raise OidcProviderUnavailable("the provider's discovery document lacks an endpoint, or one is not https")
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = tuple(a for a in ALGORITHMS if isinstance(offered, list) and a in offered)
    if not algorithms:
        raise OidcProviderUnavailable(f"the provider signs ID tokens with none of {', '.join(ALGORITHMS)}")
    return ProviderMetadata(issuer=issuer, authorization_endpoint=str(endpoints["authorization_endpoint"]),
                            token_endpoint=str(endpoints["token_endpoint"]), jwks_uri=str(endpoints["jwks_uri"]),
                            userinfo_endpoint=userinfo, algorithms=algorithms)
