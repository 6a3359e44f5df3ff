"""The paper baseline: how many characters a resident writes on the city's paper forms for a plan."""

from __future__ import annotations

from madoguchi.catalog.models import Catalog
from madoguchi.guidance.schemas import Plan


def paper_characters(catalog: Catalog, plan: Plan) -> int:
    """The ``paper_chars`` of every field of every form the plan files (one form per procedure and subject)."""
    return sum(f.paper_chars for planned in plan.procedures
               for f in catalog.procedure(planned.id).form.fields)
