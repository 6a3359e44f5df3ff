"""Why a synthetic city or delta cannot be made (the CLI turns these into exit code 2)."""

from __future__ import annotations


class SyntheticCityError(Exception):
    """A request the generator cannot fulfil; nothing has been written."""


class InvalidCityOptions(SyntheticCityError):
    """An option out of range (no residents, no changes, an output path that is a file)."""


class UnknownMunicipality(SyntheticCityError):
    """The code is not a valid 全国地方公共団体コード, or the postal data has no town for it."""


class UnreadableExportSet(SyntheticCityError):
    """The folder a delta starts from is not a readable full export set."""
