"""How the city logs residents in at an OpenID provider (environment ``MADOGUCHI_OIDC_*``).

Off unless an issuer is set. The city authenticates to the provider's token
endpoint with its client secret (``client_secret_basic``) or, given a private
key, with a signed assertion (``private_key_jwt``), for a provider that keeps
no shared secret.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class OidcSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MADOGUCHI_OIDC_", extra="ignore")

    issuer: str | None = None
    """The provider's issuer identifier, exactly as its discovery document and ID tokens write it."""
    client_id: str = ""
    client_secret: SecretStr | None = None
    private_key_file: Path | None = None
    """The city's RSA private key (PEM) for ``private_key_jwt``; its public half is registered with
    the provider (key id: its RFC 7638 thumbprint). Takes precedence over the client secret."""
    redirect_url: str = ""
    """This site's ``/login/oidc/callback`` as registered with the provider."""
    scopes: str = "openid"
    """Space-separated; add those under which the provider releases the 4 basic items."""
    login_seconds: int = Field(600, gt=0)
    """How long a resident has to finish logging in at the provider."""

    @property
    def enabled(self) -> bool:
        return bool(self.issuer)

    @model_validator(mode="after")
    def _complete(self) -> OidcSettings:
        if self.enabled and not (self.client_id and self.redirect_url
                                 and (self.client_secret or self.private_key_file)):
            raise ValueError("with MADOGUCHI_OIDC_ISSUER set, set MADOGUCHI_OIDC_CLIENT_ID, "
                             "MADOGUCHI_OIDC_REDIRECT_URL and MADOGUCHI_OIDC_CLIENT_SECRET "
                             "or MADOGUCHI_OIDC_PRIVATE_KEY_FILE too")
        if "openid" not in self.scopes.split():
            raise ValueError("MADOGUCHI_OIDC_SCOPES must include openid")
        return self


@lru_cache
def get_oidc_settings() -> OidcSettings:
    return OidcSettings()
