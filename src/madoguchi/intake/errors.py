"""What can go wrong in delivery.

Two kinds: ``AppError`` subclasses answer an operator or a caller (an unknown
delivery, a target that cannot work); ``DeliveryFailed`` and its two subclasses
are what a channel raises to tell the worker whether to try again. Their
``reason`` goes into the delivery's history, so a channel words it without
secrets, addresses with credentials, or anything from the payload.
"""

from __future__ import annotations

from madoguchi.errors import AppError


class DeliveryNotFound(AppError):
    status = 404
    type = "delivery-not-found"
    title = "No such delivery"


class DeliveryNotReplayable(AppError):
    """Only a delivered or dead-lettered delivery is replayed; a pending one is on its way."""

    status = 409
    type = "delivery-not-replayable"
    title = "The delivery is still pending"


class TargetInvalid(AppError):
    status = 400
    type = "delivery-target-invalid"
    title = "Not a usable delivery target"


class ChannelUnknown(AppError):
    status = 400
    type = "delivery-channel-unknown"
    title = "No such delivery channel"


class DeliveryFailed(Exception):
    """An attempt did not deliver; ``reason`` says why in words safe to store and show."""

    def __init__(self, reason: str, *, http_status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.http_status = http_status


class DeliveryRetryable(DeliveryFailed):
    """The target may take it later (down, slow, overloaded): try again after a backoff."""

    def __init__(self, reason: str, *, http_status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(reason, http_status=http_status)
        self.retry_after = retry_after
        """Seconds the target asked us to wait (``Retry-After``), if it said."""


class DeliveryRefused(DeliveryFailed):
    """The target will never take it as sent (a 4xx other than 408/409/425/429): dead-letter at once."""
