"""The synthetic city: a realistic, deterministic population written as back-office export sets.

``generate_city`` writes a full set (source-layouts.md) block by block in
bounded memory; ``generate_delta`` writes a few days of changes against a full
set; ``PERSONAS`` are the fixed demo households every city opens with.
"""

from madoguchi.sources.synthetic.city import CitySummary, generate_city
from madoguchi.sources.synthetic.delta import DeltaSummary, generate_delta
from madoguchi.sources.synthetic.errors import (
    InvalidCityOptions,
    SyntheticCityError,
    UnknownMunicipality,
    UnreadableExportSet,
)
from madoguchi.sources.synthetic.personas import PERSONAS, Persona

__all__ = [
    "PERSONAS",
    "CitySummary",
    "DeltaSummary",
    "InvalidCityOptions",
    "Persona",
    "SyntheticCityError",
    "UnknownMunicipality",
    "UnreadableExportSet",
    "generate_city",
    "generate_delta",
]
