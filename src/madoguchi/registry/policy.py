"""Who may use a purpose, and whose record an actor may read with it.

* A person under 支援措置 (DV/stalker support measures) is seen only by
  themselves and by actors authorised for it; to everyone else they do not
  exist — not to the members of their own household either.
* A resident reads their own record; with ``self-view`` also their minor
  children (under 18) living with them — not the other adults of their
  household, nor a child who has moved out or died; with ``procedure:<id>`` and
  ``guidance:<event>`` the members of their household, for the items the
  procedure or the navigator declares. An operator
  using ``self-view`` on a resident's request sees what that resident would.
* Staff, systems and operators read anyone the purpose lets them; a
  ``review:<department>`` purpose belongs to that department alone.
"""

from __future__ import annotations

from datetime import date, timedelta

from madoguchi.actor import Actor
from madoguchi.registry.errors import PurposeNotAllowed
from madoguchi.registry.models import JukiRecord
from madoguchi.registry.purpose import Purpose
from madoguchi.registry.queries import RESIDENT

ADULT_AGE = 18
SELF_VIEW = "self-view"
_HOUSEHOLD_PURPOSES = ("procedure:", "guidance:")
"""Purposes under which a resident reads the other members of their household."""

_CHILDREN_BY_RELATIONSHIP: dict[str, frozenset[str]] = {
    "世帯主": frozenset({"子"}),
    "妻": frozenset({"子", "妻の子"}),
    "夫": frozenset({"子", "夫の子"}),
    "妻(未届)": frozenset({"子", "妻(未届)の子"}),
    "夫(未届)": frozenset({"子", "夫(未届)の子"}),
}
"""続柄 are relative to the 世帯主: whose children a member's 続柄 makes them.

Only the head and the head's spouse can be told apart as parents; a parent
with another 続柄 (e.g. 子 with their own 孫) does not see the children
through self-view — they can still use a procedure purpose.
"""


def authorise_purpose(actor: Actor, purpose: Purpose) -> None:
    """Raises PurposeNotAllowed unless this kind of actor (and department) may use the purpose."""
    if actor.kind not in purpose.actor_kinds:
        raise PurposeNotAllowed(f"a {actor.kind} may not read for the purpose {purpose.id!r}")
    if purpose.department is not None and actor.department != purpose.department:
        raise PurposeNotAllowed(f"only {purpose.department} may read for the purpose {purpose.id!r}")


def reaches_age(birth: date, age: int) -> date:
    """The day a person born on ``birth`` reaches ``age`` (年齢計算ニ関スル法律: the day before the birthday)."""
    try:
        birthday = birth.replace(year=birth.year + age)
    except ValueError:  # born on 29 February, and the year is common
        birthday = date(birth.year + age, 3, 1)
    return birthday - timedelta(days=1)


def is_minor_child(parent: JukiRecord, member: JukiRecord, on: date) -> bool:
    """Whether ``member`` is a child of ``parent``, both living in the same household, not yet 18 on ``on``.

    Both must be residents (住民状態 1): a record keeps its 世帯番号 after its
    person has moved out or died, and a parent left behind must not follow a
    child to their new address.
    """
    if (member.household_number != parent.household_number or member.birth_date is None
            or parent.status != RESIDENT or member.status != RESIDENT):
        return False
    children = _CHILDREN_BY_RELATIONSHIP.get(parent.relationship, frozenset())
    return member.relationship in children and on < reaches_age(member.birth_date, ADULT_AGE)


def may_read(actor: Actor, purpose: Purpose, subject: JukiRecord, *,
             requester: JukiRecord | None, on: date) -> bool:
    """Whether the actor may read the subject's record for the purpose (already authorised).

    ``requester`` is the resident on whose behalf the read happens: the acting
    resident, or — for ``self-view`` by an operator — the person asked about.
    """
    is_self = actor.kind == "resident" and actor.id == subject.atena_number
    if subject.support_measure and not (is_self or actor.may_see_support_measure):
        return False
    if purpose.id == SELF_VIEW:
        return requester is not None and (
            requester.atena_number == subject.atena_number or is_minor_child(requester, subject, on))
    if actor.kind != "resident":
        return True
    if is_self:
        return True
    return (requester is not None and requester.household_number == subject.household_number
            and purpose.id.startswith(_HOUSEHOLD_PURPOSES))
