"""How the city verifies cards (environment ``MADOGUCHI_CARD_*``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CardSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MADOGUCHI_CARD_", extra="ignore")

    trust_dir: Path | None = None
    """Folder of the trusted CA certificates (``*.crt``, ``*.cer``) and their CRLs (``*.crl``);
    unset: the demo card authority's own (``card-ca/`` beside the key file)."""
    challenge_seconds: int = Field(120, gt=0)
    """How long a login challenge may be answered."""


@lru_cache
def get_card_settings() -> CardSettings:
    return CardSettings()
