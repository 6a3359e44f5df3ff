"""Login challenges: a random nonce the card signs with its user-authentication key.

A challenge is good for one answer before it expires: the answer marks it
used with one conditional UPDATE, so two answers racing (two processes, two
requests) cannot both pass. A failed login rolls its transaction back and
leaves the challenge unused; replaying it still needs the card's key.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from madoguchi.identity.card_models import CardChallenge
from madoguchi.identity.errors import CardChallengeInvalid

CHALLENGE_BYTES = 32
KEPT_AFTER_EXPIRY = timedelta(hours=1)
"""Expired challenges stay this long (so a late answer hears "expired", not "unknown"), then go."""


@dataclass(frozen=True)
class Challenge:
    nonce: bytes
    expires_at: datetime


def issue_challenge(session: Session, *, at: datetime, lifetime: timedelta) -> Challenge:
    """A new challenge, good until ``at + lifetime``; challenges long expired are removed."""
    session.execute(delete(CardChallenge).where(CardChallenge.expires_at < at - KEPT_AFTER_EXPIRY))
    nonce = secrets.token_bytes(CHALLENGE_BYTES)
    challenge = Challenge(nonce, at + lifetime)
    session.add(CardChallenge(id=_key(nonce), issued_at=at, expires_at=challenge.expires_at))
    session.flush()
    return challenge


def use_challenge(session: Session, *, nonce: bytes, at: datetime) -> None:
    """Mark the challenge answered; raises CardChallengeInvalid if unknown, used or expired."""
    key = _key(nonce)
    result = session.execute(
        update(CardChallenge)
        .where(CardChallenge.id == key, CardChallenge.used_at.is_(None), CardChallenge.expires_at > at)
        .values(used_at=at)
        .execution_options(synchronize_session=False))
    if cast(CursorResult[Any], result).rowcount == 1:
        return
    stored = session.execute(select(CardChallenge.used_at, CardChallenge.expires_at)
                             .where(CardChallenge.id == key)).first()
    if stored is None:
        raise CardChallengeInvalid("the server did not issue this challenge (or long ago); ask for a new one")
    if stored.used_at is not None:
        raise CardChallengeInvalid("this challenge has already been answered; ask for a new one")
    raise CardChallengeInvalid("this challenge has expired; ask for a new one")


def _key(nonce: bytes) -> str:
    return hashlib.sha256(nonce).hexdigest()
