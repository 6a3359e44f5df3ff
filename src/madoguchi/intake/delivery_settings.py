"""How workers deliver: retries, leases and timeouts (environment ``MADOGUCHI_DELIVERY_*``).

The defaults ride out a target that is down for several hours: backoff from
about 10 s doubling to a 30-minute cap, 15 attempts (about 3 hours and 40
minutes), or 48 hours, whichever comes first; then the delivery is dead-lettered
and waits for a replay.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DeliverySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MADOGUCHI_DELIVERY_", extra="ignore")

    max_attempts: int = Field(15, ge=1)
    """Attempts in one round before the delivery is dead-lettered."""
    max_age_hours: float = Field(48, gt=0)
    """Age of a round (from enqueue or replay) after which a failed attempt dead-letters it."""
    backoff_initial_seconds: float = Field(10, gt=0)
    backoff_max_seconds: float = Field(1800, gt=0)
    backoff_jitter_seconds: float = Field(10, ge=0)
    """Up to this much is added at random, so retries of many deliveries spread out."""
    lease_seconds: float = Field(120, gt=0)
    """How long a claim holds a delivery; a worker that dies lets it go when this runs out.
    Longer than the slowest attempt (all its steps with their timeouts)."""
    http_timeout_seconds: float = Field(10, gt=0)
    threads: int = Field(4, ge=1)
    """Workers in one ``madoguchi worker`` process: they overlap the waits on targets and commits."""
    batch_size: int = Field(10, ge=1)
    """Deliveries claimed at once by one worker."""
    poll_seconds: float = Field(1.0, gt=0)
    """How long an idle worker waits before looking for due deliveries again."""


@lru_cache
def get_delivery_settings() -> DeliverySettings:
    return DeliverySettings()
