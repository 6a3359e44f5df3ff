"""Staff passwords: Argon2id hashes (argon2-cffi) and a check that takes as long when there is no hash.

``hasher`` carries the cost parameters; each hash records its own, so a
change of parameters applies to new hashes and to a password re-hashed at
its next login (``needs_rehash``).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

hasher = PasswordHasher()

_dummy: tuple[PasswordHasher, str] | None = None


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher.check_needs_rehash(password_hash)


def spend_verification_time(password: str) -> None:
    """Verify against a hash no one has, so an unknown login id costs as long as a wrong password."""
    global _dummy
    if _dummy is None or _dummy[0] is not hasher:
        _dummy = (hasher, hasher.hash("no staff member has this password"))
    verify_password(_dummy[1], password)
