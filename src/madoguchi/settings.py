"""Configuration from the environment (``MADOGUCHI_*``) and command-line overrides."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MADOGUCHI_", extra="ignore")

    database_url: str = "sqlite:///./madoguchi.db"
    catalog: Path | None = None
    """Folder of catalog files; None means the catalog shipped with the project."""
    keys_file: Path = Path(".madoguchi/keys.json")
    """Data keys (AES-GCM, lookup HMAC, log-signing Ed25519); made on first use."""
    atena_scheme: str = "reference"
    """The city's 宛名番号 check-digit scheme (see madoguchi.identifiers)."""
    checkpoint_interval_seconds: int = 60
    """How often the access log's chain heads are sealed by a signed checkpoint."""
    insecure_cookies: bool = False
    """Send the session cookie without ``Secure``: only for plain http on localhost (tests, demo)."""
    session_idle_minutes: int = 30
    """A web session unused this long ends (staff and residents)."""
    staff_session_max_hours: int = 8
    """A staff member's session ends this long after login, however busy."""
    demo_cards: bool = False
    """Serve the demo's simulated card reader (``/demo/card-reader``): log in and sign with the virtual
    cards in ``cards/`` beside the key file. Never in production: it stays off while
    ``MADOGUCHI_CARD_TRUST_DIR`` names a real card authority."""


@lru_cache
def get_settings() -> Settings:
    return Settings()
