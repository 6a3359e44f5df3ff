"""What can go wrong when reading the hub through the data API.

Details never name a resident or a My Number: a refused read says what to
change (the purpose, the items), not whom it was about.
"""

from __future__ import annotations

from madoguchi.errors import AppError


class PersonNotFound(AppError):
    """No such person, or one the actor may not see (支援措置, another household): the same answer."""

    status = 404
    type = "person-not-found"
    title = "Person not found"


class HouseholdNotFound(AppError):
    status = 404
    type = "household-not-found"
    title = "Household not found"


class PurposeUnknown(AppError):
    status = 400
    type = "purpose-unknown"
    title = "Unknown purpose"


class PurposeNotAllowed(AppError):
    status = 403
    type = "purpose-not-allowed"
    title = "Purpose not allowed"


class ItemNotAllowed(AppError):
    status = 403
    type = "item-not-allowed"
    title = "Item not allowed for this purpose"


class ClientUnauthenticated(AppError):
    status = 401
    type = "unauthenticated"
    title = "Authentication required"
    headers = {"WWW-Authenticate": "Bearer"}


class ClientNameTaken(AppError):
    status = 409
    type = "client-name-taken"
    title = "An API client of that name exists"


class ClientNotFound(AppError):
    status = 404
    type = "client-not-found"
    title = "No such API client"


class ClientPurposeInvalid(AppError):
    status = 400
    type = "client-purpose-invalid"
    title = "Not a purpose pattern"
