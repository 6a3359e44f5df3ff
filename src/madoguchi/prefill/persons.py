"""Who a form's persons are: someone in the hub (read through the data API), or someone not yet there.

A form speaks of ``applicant``, ``subject`` and the persons the event's
answers name (``mother``, ``deceased`` …). Each is

* `InHub` — a member of the applicant's household, by 宛名番号;
* `NotInHub` — the newborn (born on the event date), a mover of a move-in
  (``mover:N``, as the ``movers`` answer describes them), a spouse from
  elsewhere (as the ``spouse`` answer describes them);
* `NoOne` — the answer names nobody (the father is not in the household);
* `Unanswered` — the question is not answered yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import JsonValue

from madoguchi.catalog.models import Text
from madoguchi.guidance.situation import Situation
from madoguchi.rules import Person

APPLICANT = "applicant"
SUBJECT = "subject"
MOVER = "mover:"
NEWBORN = "newborn"


@dataclass(frozen=True)
class InHub:
    atena: str


@dataclass(frozen=True)
class NotInHub:
    ref: str
    known: Mapping[str, JsonValue]
    """Items known from the answers or the event (item name → value, dates as ISO strings)."""
    source: dict[str, JsonValue]
    why: Text
    """Why what is not known must be typed."""
    known_from_event: frozenset[str] = field(default=frozenset())
    """Known items that are the event date (the newborn's birth date)."""


@dataclass(frozen=True)
class NoOne:
    why: Text


@dataclass(frozen=True)
class Unanswered:
    question: str
    label: Text


Who = InHub | NotInHub | NoOne | Unanswered

NEWBORN_WHY = Text(ja="お子さんはまだ住民記録にありません",
                   en="The child is not in the residents' register yet")
MOVER_WHY = Text(ja="転入するかたはまだ住民記録にありません",
                 en="People moving in are not in the residents' register yet")
ELSEWHERE_WHY = Text(ja="市外のかたの情報は市の記録にありません",
                     en="The city holds no record of someone from elsewhere")


def who_is(person: Person, situation: Situation) -> Who:
    """The subject or applicant as the rules know them, as a form's person."""
    if person.atena:
        return InHub(person.atena)
    if person.ref == NEWBORN:
        return NotInHub(NEWBORN, {"birth_date": situation.on.isoformat()}, {"event_date": True},
                        NEWBORN_WHY, frozenset({"birth_date"}))
    if person.ref.startswith(MOVER):
        return _described(situation, "movers", int(person.ref.removeprefix(MOVER)), MOVER_WHY)
    return _described(situation, person.ref, None, ELSEWHERE_WHY)


def named_by(question_id: str, situation: Situation) -> Who:
    """The person a person question's answer names."""
    question = situation.event.question(question_id)
    if question is None:  # the procedure's form names a person another event asks about
        return NoOne(Text(ja="このライフイベントでは分かりません", en="Not known for this life event"))
    if question_id not in situation.answers:
        return Unanswered(question_id, question.label)
    value = situation.answers[question_id]
    if isinstance(value, str) and value:
        return InHub(value)
    if isinstance(value, dict):
        return _described(situation, question_id, None, ELSEWHERE_WHY)
    return NoOne(Text(ja=f"「{question.label.ja}」に当たるかたがいません",
                      en=f"No one is given for: {question.label.en}"))


def _described(situation: Situation, question: str, index: int | None, why: Text) -> NotInHub:
    """A person as an answer describes them: ``answers.movers[index]`` or ``answers.<question>``."""
    given = situation.answers.get(question)
    if index is not None:
        given = given[index] if isinstance(given, list) and index < len(given) else None
    ref = f"{MOVER}{index}" if index is not None else question
    source: dict[str, JsonValue] = {"answer": question} if index is None else {"answer": question, "entry": index}
    return NotInHub(ref, given if isinstance(given, dict) else {}, source, why)

