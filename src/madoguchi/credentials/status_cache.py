"""Status lists fetched by URI with httpx and cached.

A fetched list is used until its freshness runs out: the issuer's ``ttl``
claim, capped by the city's ``ttl``. Then it is fetched again. When that fetch
fails (the issuer is down, answers garbage or a list that does not verify), a
copy fetched at most ``max_stale`` ago — and not past its own ``exp`` — is used
and a warning logged; with nothing usable the certificate is "unverifiable
now" (CredentialStatusUnavailable), never valid. Time is ``madoguchi.clock``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from madoguchi import clock
from madoguchi.credentials.errors import CredentialStatusUnavailable
from madoguchi.credentials.status import StatusList, StatusListMalformed

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/statuslist+jwt"
MAX_TOKEN_BYTES = 1 << 20


@dataclass(frozen=True)
class ReadList:
    """A status list token that verified: its statuses and how long it may be kept."""

    statuses: StatusList
    ttl: timedelta | None
    expires: datetime | None


Reader = Callable[[str], ReadList]
"""Verifies a fetched token; raises StatusListMalformed saying why it is not usable."""


@dataclass(frozen=True)
class _Entry:
    read: ReadList
    fetched_at: datetime
    fresh_until: datetime


class StatusListCache:
    def __init__(self, client: httpx.Client, *, ttl: timedelta = timedelta(minutes=5),
                 max_stale: timedelta = timedelta(hours=1)) -> None:
        self._client = client
        self._ttl = ttl
        self._max_stale = max_stale
        self._entries: dict[tuple[str, str], _Entry] = {}

    def get(self, uri: str, reader: Reader, *, issuer: str) -> StatusList:
        """The list ``issuer`` publishes at ``uri``, from the cache while fresh.

        Cached per issuer: a list verified with one issuer's keys never answers
        for another's credentials. Raises CredentialStatusUnavailable.
        """
        now = clock.now()
        key = (issuer, uri)
        entry = self._entries.get(key)
        if entry is not None and now < entry.fresh_until:
            return entry.read.statuses
        try:
            read = reader(self._fetch(uri))
        except (httpx.HTTPError, StatusListMalformed) as error:
            reason = _reason(error)
            if entry is not None and self._usable_stale(entry, now):
                logger.warning("status list %s: %s; using the copy fetched at %s", uri, reason,
                               entry.fetched_at.isoformat())
                return entry.read.statuses
            raise CredentialStatusUnavailable(
                f"the issuer's status list cannot be used now ({reason}) and no recent copy is "
                "cached: the certificate is unverifiable for the moment — try again later") from None
        ttl = min(self._ttl, read.ttl) if read.ttl is not None else self._ttl
        self._entries[key] = _Entry(read, now, now + ttl)
        return read.statuses

    def _usable_stale(self, entry: _Entry, now: datetime) -> bool:
        expired = entry.read.expires is not None and now >= entry.read.expires
        return not expired and now - entry.fetched_at <= self._max_stale

    def _fetch(self, uri: str) -> str:
        with self._client.stream("GET", uri, headers={"Accept": MEDIA_TYPE}) as response:
            response.raise_for_status()
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_TOKEN_BYTES:
                    raise StatusListMalformed(f"the answer is larger than {MAX_TOKEN_BYTES} bytes")
        try:
            return body.decode("ascii").strip()
        except UnicodeDecodeError:
            raise StatusListMalformed("the answer is not a compact JWT") from None


def _reason(error: Exception) -> str:
    if isinstance(error, httpx.HTTPStatusError):
        return f"the issuer answered HTTP {error.response.status_code}"
    if isinstance(error, httpx.HTTPError):
        return f"the issuer could not be reached: {error.__class__.__name__}"
    return str(error)
