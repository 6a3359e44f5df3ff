"""Delivery channels: how a delivery reaches a department, in a small typed registry.

A channel is registered under a unique id with ``@channels("id")``; a target
names its channel by that id. The worker takes a registry as an argument, so a
test (or a city's plugin) can pass another one.

Every external effect of a channel runs as a named step (``steps.run``): its
result is committed under ``(delivery, step)`` before the next step, so an
attempt after a crash or a failure skips what already succeeded. Every attempt
sends the same bytes with the same delivery id, so a target can drop a repeat.

Built in:

* ``inbox`` — the department works in the city's back office: nothing to send;
* ``http`` — POST the envelope as JSON with ``Idempotency-Key: <delivery id>``
  and, when a secret is configured, ``X-Madoguchi-Timestamp`` and
  ``X-Madoguchi-Signature: sha256=<HMAC-SHA256(secret, "<timestamp>." + body)>``;
  2xx or 409 ("already have it") is delivered; 408, 425, 429, 5xx, timeouts
  and connection errors are tried again; any other status is refused for good;
* ``file`` — ``<delivery id>.json`` in a drop folder, written under a temporary
  name (``.<delivery id>.<random>.tmp``) and renamed, so a reader never sees
  half a file; a file already there with that id means delivered.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import tempfile
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import httpx
import rfc8785

from madoguchi import clock
from madoguchi.intake.delivery_settings import get_delivery_settings
from madoguchi.intake.errors import (
    ChannelUnknown,
    DeliveryRefused,
    DeliveryRetryable,
    TargetInvalid,
)

if TYPE_CHECKING:
    from madoguchi.intake.targets import Target

StepResult = dict[str, Any]
"""What a step stores: JSON, e.g. the status the target answered or the id it gave."""

SECRET_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


@dataclass(frozen=True)
class Job:
    """One attempt of one delivery, as a channel sees it (detached from the database)."""

    delivery_id: uuid.UUID
    department: str
    kind: str
    payload: Mapping[str, Any]
    created_at: datetime
    attempt: int

    def envelope(self) -> bytes:
        """The message as sent: canonical JSON (RFC 8785), the same bytes on every attempt."""
        return rfc8785.dumps({
            "delivery_id": str(self.delivery_id),
            "department": self.department,
            "kind": self.kind,
            "created_at": self.created_at.isoformat(),
            "payload": dict(self.payload),
        })


@dataclass(frozen=True)
class Delivered:
    """A channel's word that the target has the delivery."""

    http_status: int | None = None


class Steps(Protocol):
    def run(self, step: str, action: Callable[[], StepResult]) -> StepResult:
        """The stored result of ``step`` if it ran before; else run ``action``, store and commit its result."""
        ...


class Channel(ABC):
    """A way to hand a delivery over. One instance per registry, shared by all deliveries."""

    id: str = ""
    """Set when registered."""

    def check_target(self, target: Target) -> None:
        """Raise TargetInvalid when the target cannot work with this channel."""
        if target.address is not None or target.secret_env is not None:
            raise TargetInvalid(f"the {self.id} channel takes no address or secret")

    @abstractmethod
    def deliver(self, job: Job, target: Target, steps: Steps) -> Delivered:
        """Hand the job over. Raises DeliveryRetryable (try later) or DeliveryRefused (never)."""

    def close(self) -> None:  # noqa: B027 - optional: most channels hold nothing to let go of
        """Let go of connections and other resources."""


C = TypeVar("C", bound=Channel)


class ChannelRegistry:
    """Channels by unique id."""

    def __init__(self) -> None:
        self._channels: dict[str, Channel] = {}

    def __call__(self, channel_id: str) -> Callable[[type[C]], type[C]]:
        """Register a channel class under ``channel_id`` (a decorator; the class is made with no arguments)."""

        def register(cls: type[C]) -> type[C]:
            self.add(channel_id, cls())
            return cls

        return register

    def add(self, channel_id: str, channel: Channel) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,31}", channel_id):
            raise ValueError(f"a channel id is 1–32 lower-case letters, digits and hyphens: {channel_id!r}")
        if channel_id in self._channels:
            raise ValueError(f"a channel {channel_id!r} is already registered")
        channel.id = channel_id
        self._channels[channel_id] = channel

    def __getitem__(self, channel_id: str) -> Channel:
        """Raises ChannelUnknown."""
        try:
            return self._channels[channel_id]
        except KeyError:
            raise ChannelUnknown(f"no channel {channel_id!r}; known: {', '.join(self._channels)}") from None

    def __contains__(self, channel_id: object) -> bool:
        return channel_id in self._channels

    def __iter__(self) -> Iterator[Channel]:
        return iter(self._channels.values())

    def close(self) -> None:
        for channel in self:
            channel.close()


channels = ChannelRegistry()
"""The registry the worker uses unless told otherwise."""


@channels("inbox")
class InboxChannel(Channel):
    """The department reads its applications in the city's back office: already there."""

    def deliver(self, job: Job, target: Target, steps: Steps) -> Delivered:
        return Delivered()


RETRY_STATUSES = frozenset({408, 425, 429})
"""Client-error statuses that mean "not now" rather than "never"."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Madoguchi-Signature`` value: HMAC-SHA256 over ``<timestamp>.<body>``."""
    mac = hmac.new(secret.encode(), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


@channels("http")
class HttpChannel(Channel):
    """POST to the department system's endpoint; one step, ``post``."""

    def __init__(self, *, timeout: float | None = None, transport: httpx.BaseTransport | None = None) -> None:
        self._timeout = timeout
        self._transport = transport
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def check_target(self, target: Target) -> None:
        try:
            url = httpx.URL(target.address or "")
        except httpx.InvalidURL as error:
            raise TargetInvalid(f"not a URL: {error}") from None
        if url.scheme not in ("http", "https") or not url.host:
            raise TargetInvalid("the http channel needs an http:// or https:// URL with a host")
        if url.userinfo:
            raise TargetInvalid("put no credentials in the URL; name a secret with --secret-env instead")
        if target.secret_env is not None and not SECRET_ENV_NAME.fullmatch(target.secret_env):
            raise TargetInvalid(f"not an environment variable name: {target.secret_env!r}")

    def deliver(self, job: Job, target: Target, steps: Steps) -> Delivered:
        result = steps.run("post", lambda: self._post(job, target))
        return Delivered(http_status=result["status"])

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                timeout = self._timeout or get_delivery_settings().http_timeout_seconds
                self._client = httpx.Client(timeout=timeout, transport=self._transport,
                                            follow_redirects=False)
            return self._client

    def _post(self, job: Job, target: Target) -> StepResult:
        assert target.address is not None
        body = job.envelope()
        headers = {"Content-Type": "application/json", "Idempotency-Key": str(job.delivery_id),
                   "X-Madoguchi-Attempt": str(job.attempt), "User-Agent": "madoguchi-delivery/1"}
        if target.secret_env is not None:
            secret = os.environ.get(target.secret_env)
            if not secret:
                raise DeliveryRetryable(f"the signing secret's variable {target.secret_env} is not set "
                                        "for this worker")
            timestamp = str(int(clock.now().timestamp()))
            headers["X-Madoguchi-Timestamp"] = timestamp
            headers["X-Madoguchi-Signature"] = signature(secret, timestamp, body)
        http = self._http()
        try:
            response = http.post(target.address, content=body, headers=headers)
        except httpx.TimeoutException:
            raise DeliveryRetryable(f"no answer within {http.timeout.read} s") from None
        except httpx.TransportError as error:
            raise DeliveryRetryable(f"could not reach the target ({type(error).__name__})") from None
        status = response.status_code
        if response.is_success or status == 409:
            return {"status": status}
        reason = f"HTTP {status} {response.reason_phrase}".rstrip() + _problem_title(response)
        if status in RETRY_STATUSES or status >= 500:
            raise DeliveryRetryable(reason, http_status=status, retry_after=_retry_after(response))
        raise DeliveryRefused(reason, http_status=status)


def _problem_title(response: httpx.Response) -> str:
    """The title of a problem+json answer: fixed per kind of problem, so safe to keep."""
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return ""
    try:
        title = response.json().get("title")
    except ValueError:
        return ""
    return f": {title[:200]}" if isinstance(title, str) and title else ""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None


@channels("file")
class FileChannel(Channel):
    """``<delivery id>.json`` in the department's drop folder; one step, ``write``."""

    def check_target(self, target: Target) -> None:
        if target.address is None or not Path(target.address).is_absolute():
            raise TargetInvalid("the file channel needs the drop folder as an absolute path")
        if target.secret_env is not None:
            raise TargetInvalid("the file channel takes no secret")

    def deliver(self, job: Job, target: Target, steps: Steps) -> Delivered:
        assert target.address is not None
        folder = Path(target.address)
        steps.run("write", lambda: _drop(job, folder))
        return Delivered()


def _drop(job: Job, folder: Path) -> StepResult:
    final = folder / f"{job.delivery_id}.json"
    if final.exists():
        return {"file": final.name, "already_there": True}
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{job.delivery_id}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(job.envelope())
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, final)
        temporary = None
        _sync_folder(folder)
    except OSError as error:
        raise DeliveryRetryable(f"could not write to the drop folder ({error.strerror or type(error).__name__})"
                                ) from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return {"file": final.name, "already_there": False}


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (the folder's entry), where the platform allows."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
