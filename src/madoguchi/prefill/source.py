"""Where a form field's value comes from, parsed from its ``prefill`` path (docs/catalog.md).

* ``<person>.<item>[.<part>]`` — a hub item of the applicant, the subject or
  a person an answer names (``mother.birth_date``, ``subject.nhi.insured_number``);
* ``<person>.household.head_name`` / ``head_<item>`` — an item of the head of
  that person's household;
* ``<person>`` alone — the person (a ``person`` field); ``<person>.household``
  — the person and the other members of their household (a ``persons`` field);
* ``answers.<question>``, ``event_date``;
* ``<certificate>.<claim>`` — a claim of a certificate kind;
* no path: the field is typed, and the catalog says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from madoguchi.catalog.models import CertificateKind, FormField, Text
from madoguchi.registry.items import HOUSEHOLD

HEAD_PREFIX = "head_"
NAME = ("family_name", "given_name")
"""The items a person's name is made of (``head_name``, a person field's display)."""


@dataclass(frozen=True)
class Item:
    person: str
    item: str
    part: str | None = None


@dataclass(frozen=True)
class HeadItem:
    person: str
    items: tuple[str, ...]
    """``NAME`` for ``head_name``, else the one item."""


@dataclass(frozen=True)
class Whole:
    person: str
    household: bool = False


@dataclass(frozen=True)
class Answer:
    question: str


@dataclass(frozen=True)
class EventDay:
    pass


@dataclass(frozen=True)
class Claim:
    certificate: str
    """The certificate kind's id (``birth-certificate``)."""
    claim: str


@dataclass(frozen=True)
class Typed:
    why: Text


Source = Item | HeadItem | Whole | Answer | EventDay | Claim | Typed


def source_of(field: FormField, certificates: Mapping[str, CertificateKind]) -> Source:
    """The field's source; the catalog's checks guarantee the path is one of the shapes above."""
    if field.prefill is None:
        assert field.typed is not None, f"field {field.id!r} has neither prefill nor typed"
        return Typed(field.typed.why)
    if field.prefill == "event_date":
        return EventDay()
    root, *rest = field.prefill.split(".")
    if root == "answers":
        return Answer(rest[0])
    kinds = {kind.replace("-", "_"): kind for kind in certificates}
    if root in kinds:
        return Claim(kinds[root], rest[0])
    if not rest or rest == [HOUSEHOLD]:
        return Whole(root, household=bool(rest))
    if rest[0] == HOUSEHOLD and rest[1].startswith(HEAD_PREFIX):
        wanted = rest[1].removeprefix(HEAD_PREFIX)
        return HeadItem(root, NAME if wanted == "name" else (wanted,))
    return Item(root, rest[0], rest[1] if len(rest) > 1 else None)
