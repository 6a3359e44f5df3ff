"""Filling one field from its source: a value with where it came from, or why the resident must type it.

Pure: the persons of the form, the views the data API returned and the
situation in; a `FilledField` out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import JsonValue

from madoguchi.catalog.models import Catalog, FormField, Text
from madoguchi.guidance.language import Lang, say
from madoguchi.guidance.situation import Situation
from madoguchi.prefill.display import fitted, full_name
from madoguchi.prefill.persons import InHub, NoOne, NotInHub, Unanswered, Who
from madoguchi.prefill.schemas import Choice, FilledField
from madoguchi.prefill.source import (
    NAME,
    Answer,
    Claim,
    EventDay,
    HeadItem,
    Item,
    Source,
    Typed,
    Whole,
)
from madoguchi.registry.items import HOUSEHOLD
from madoguchi.registry.schemas import ItemValue, PersonView

NOT_READ = Text(ja="この手続では市の記録から読めない項目です",
                en="This procedure may not read it from the city's records")
NOT_RECORDED = Text(ja="市の記録にありません", en="The city's records hold no value for it")
HEAD_UNKNOWN = Text(ja="世帯主を市の記録から特定できません",
                    en="The head of household cannot be told from the city's records")


@dataclass(frozen=True)
class FormContext:
    catalog: Catalog
    situation: Situation
    persons: Mapping[str, Who]
    """``applicant``, ``subject`` and the person questions the form names."""
    views: Mapping[str, PersonView]
    """What the data API returned, by 宛名番号."""
    head: str | None
    """The 宛名番号 of the head of the applicant's household, when the applicant may see them."""
    lang: Lang


@dataclass(frozen=True)
class Found:
    value: JsonValue
    source: dict[str, JsonValue]
    display: str | None = None
    """How to show it when the source knows better than the field's type (a person's name)."""


@dataclass(frozen=True)
class Missing:
    why: Text
    source: dict[str, JsonValue] | None = None


def fill_field(field: FormField, source: Source, ctx: FormContext) -> FilledField:
    lang = ctx.lang
    result = _resolve(source, ctx)
    shaped = fitted(field, result.value, lang) if isinstance(result, Found) else None
    common = {"id": field.id, "label": say(field.label, lang), "type": field.type, "required": field.required,
              "options": [Choice(value=o.value, label=say(o.label, lang)) for o in field.options],
              "shared": field.shared, "paper_chars": field.paper_chars}
    if isinstance(result, Found) and shaped is not None:
        value, display = shaped
        return FilledField(**common, value=value, display=result.display or display, source=result.source)
    missing = result if isinstance(result, Missing) else Missing(NOT_RECORDED)
    return FilledField(**common, must_type=True, why=say(missing.why, lang), source=missing.source)


def unanswered_why(question: Unanswered) -> Text:
    return Text(ja=f"「{question.label.ja}」に答えると入ります", en=f"Filled in once you answer: {question.label.en}")


def _resolve(source: Source, ctx: FormContext) -> Found | Missing:
    if isinstance(source, Typed):
        return Missing(source.why)
    if isinstance(source, Claim):
        name = ctx.catalog.certificates[source.certificate].name
        return Missing(Text(ja=f"{name.ja}から写してください（デジタル証明書に対応すると自動で入ります）",
                            en=f"Copy it from the {name.en.lower()} (filled in by itself once digital "
                               "certificates arrive)"),
                       {"certificate": source.certificate, "claim": source.claim})
    if isinstance(source, EventDay):
        return Found(ctx.situation.on.isoformat(), {"event_date": True})
    if isinstance(source, Answer):
        return _answer(source.question, ctx)
    who = ctx.persons[source.person]
    if not isinstance(who, InHub):
        return _not_in_hub(source, who)
    if isinstance(source, Item):
        return _item(who.atena, source.item, source.part, ctx)
    if isinstance(source, HeadItem):
        return _head(source.items, ctx)
    return _whole(who.atena, source.household, ctx)


def _answer(question: str, ctx: FormContext) -> Found | Missing:
    if question not in ctx.situation.answers:
        asked = ctx.situation.event.question(question)
        label = asked.label if asked is not None else Text(ja=question, en=question)
        return Missing(unanswered_why(Unanswered(question, label)))
    return Found(ctx.situation.answers[question], {"answer": question})


def _not_in_hub(source: Item | HeadItem | Whole, who: NotInHub | NoOne | Unanswered) -> Found | Missing:
    if isinstance(who, Unanswered):
        return Missing(unanswered_why(who))
    if isinstance(who, NoOne) or isinstance(source, HeadItem) or (isinstance(source, Whole) and source.household):
        return Missing(who.why)
    if isinstance(source, Whole):
        return Found(who.ref, who.source,
                     full_name(who.known.get("family_name"), who.known.get("given_name")) or who.ref)
    value = who.known.get(source.item) if source.part is None else None
    if value is None or value == "":
        return Missing(who.why)
    return Found(value, {"event_date": True} if source.item in who.known_from_event else who.source)


def _item(atena: str, name: str, part: str | None, ctx: FormContext) -> Found | Missing:
    item = _read(ctx, atena, name)
    if item is None:
        return Missing(NOT_READ)
    value = item.value
    if part is not None:
        value = value.get(part) if isinstance(value, dict) else None
    if value is None or value == "":
        return Missing(NOT_RECORDED)
    return Found(value, _hub_source(item, atena, name if part is None else f"{name}.{part}"))


def _head(items: tuple[str, ...], ctx: FormContext) -> Found | Missing:
    if ctx.head is None:
        return Missing(HEAD_UNKNOWN)
    read = [_read(ctx, ctx.head, name) for name in items]
    if any(item is None for item in read):
        return Missing(NOT_READ)
    values = [item.value for item in read if item is not None]
    value = full_name(*values) if items == NAME else values[0]
    if value is None or value == "":
        return Missing(NOT_RECORDED)
    first = read[0]
    assert first is not None
    return Found(value, _hub_source(first, ctx.head, f"{HOUSEHOLD}.head_{'name' if items == NAME else items[0]}"))


def _whole(atena: str, household: bool, ctx: FormContext) -> Found | Missing:
    """The person (a person field), or the person and their household's other members (persons)."""
    view = ctx.views.get(atena)
    if view is None:
        return Found([atena] if household else atena, {"system": "juki", "person": atena}, atena)
    people = [view]
    members = view.items[HOUSEHOLD].value if household and HOUSEHOLD in view.items else None
    people += [PersonView.model_validate(m) for m in members] if isinstance(members, list) else []
    names = "、".join(_name(p) or p.atena_number for p in people)
    read = next(iter(view.items.values()), None)
    source: dict[str, JsonValue] = (_hub_source(read, atena, HOUSEHOLD if household else None)
                                    if read is not None else {"person": atena})
    return Found([p.atena_number for p in people] if household else atena, source, names)


def _read(ctx: FormContext, atena: str, name: str) -> ItemValue | None:
    view = ctx.views.get(atena)
    return view.items.get(name) if view is not None else None


def _name(view: PersonView) -> str:
    return full_name(*(view.items[n].value if n in view.items else None for n in NAME))


def _hub_source(item: ItemValue, atena: str, path: str | None) -> dict[str, JsonValue]:
    """``{"system", "as_of", "person", "item"}``: the system and export date a hub value comes from."""
    source: dict[str, JsonValue] = {"system": item.source,
                                    "as_of": item.as_of.isoformat() if item.as_of else None, "person": atena}
    return source if path is None else {**source, "item": path}
