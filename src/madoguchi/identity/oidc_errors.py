"""What can go wrong with a login at an OpenID provider.

A detail says what failed, never whose login it was: no subject, no name, no
宛名番号. Every one of them ends the login attempt without a session.
"""

from __future__ import annotations

from madoguchi.errors import AppError


class OidcError(AppError):
    """A login at the OpenID provider that did not succeed."""


class OidcNotConfigured(OidcError):
    status = 404
    type = "oidc-not-configured"
    title = "Login with an OpenID provider is not offered"


class OidcStateInvalid(OidcError):
    """The answer is for no login this browser began: unknown, already used, expired, or another browser's."""

    status = 401
    type = "oidc-state-invalid"
    title = "The login answer does not belong to a login in progress"


class OidcLoginCancelled(OidcError):
    """The provider answered with an error instead of a code (the resident cancelled, or it refused)."""

    status = 401
    type = "oidc-login-cancelled"
    title = "The login at the OpenID provider did not complete"


class OidcProviderUnavailable(OidcError):
    """The provider's discovery document, keys or token endpoint could not be used; 502: not the resident's fault."""

    status = 502
    type = "oidc-provider-unavailable"
    title = "The OpenID provider cannot be reached"


class OidcCodeRefused(OidcError):
    """The token endpoint refused the authorization code (wrong, used, or the PKCE verifier does not fit)."""

    status = 401
    type = "oidc-code-refused"
    title = "The OpenID provider refused the login's code"


class OidcIdTokenInvalid(OidcError):
    """The ID token's signature, issuer, audience, expiry or nonce does not verify."""

    status = 401
    type = "oidc-id-token-invalid"
    title = "The ID token cannot be accepted"


class OidcNotLinked(OidcError):
    """The provider's subject is tied to no resident, and its basic items (if any) match no one."""

    status = 403
    type = "oidc-not-linked"
    title = "The OpenID account is not linked to a resident"
