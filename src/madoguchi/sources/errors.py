"""Why an export set is refused as a whole (nothing of it is applied)."""

from __future__ import annotations

from madoguchi.errors import AppError


class ImportRefused(AppError):
    """The set was not applied at all; the hub is as it was before."""

    status = 422
    type = "import-refused"
    title = "The export set was not imported"


class UnreadableSet(ImportRefused):
    """No manifest or a bad one, a file that is not UTF-8, no juki.csv in a full set, a bad header."""

    type = "unreadable-set"
    title = "The export set cannot be read"


class SetOutOfOrder(ImportRefused):
    """The set is older than what the hub already holds of one of its systems."""

    type = "set-out-of-order"
    title = "The export set is older than the hub's data"


class OtherMunicipality(ImportRefused):
    """The set belongs to another municipality than the hub's earlier imports."""

    type = "other-municipality"
    title = "The export set is from another municipality"
