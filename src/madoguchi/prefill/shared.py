"""A bundle's shared values, asked once, and the inputs the resident still gives.

Fields of a bundle's forms with the same ``shared`` key hold one value: a
field that has no value of its own takes the one another form found (the
newborn's family name, which 出生届 takes from the applicant, fills 国保 and
子ども医療費助成 too). A key's prefix says whose fact it is: ``applicant``,
or a person question (``deceased``) for the person the answer names, else
the subject of the form — so ``newborn.family_name`` on the forms of two
movers stays two values. A value no form could find becomes one input.
"""

from __future__ import annotations

from collections.abc import Sequence

from madoguchi.guidance.situation import Situation
from madoguchi.prefill.schemas import BundleInput, FilledField, FilledForm, InputTarget

CHOSEN = frozenset({"select", "bool", "person", "persons"})
"""Field types the resident chooses rather than types."""


def share_values(forms: Sequence[FilledForm], situation: Situation) -> tuple[list[FilledForm], list[BundleInput]]:
    """The forms with shared values filled in, and the inputs the resident gives, each shared value once."""
    # (key, whose) → the (form, field) positions of its fields, in bundle order
    groups: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for f, form in enumerate(forms):
        for i, filled in enumerate(form.fields):
            if filled.shared is not None:
                scope = _whose(filled.shared, form.subject, situation)
                groups.setdefault((filled.shared, scope), []).append((f, i))
    fields = [list(form.fields) for form in forms]
    inputs: dict[str, BundleInput] = {}
    for (shared, scope), positions in groups.items():
        members = [(f, i, fields[f][i]) for f, i in positions]
        origin = next(((f, i, m) for f, i, m in members if not m.must_type), None)
        if origin is not None:
            f0, _, found = origin
            for f, i, member in members:
                if member.must_type:
                    fields[f][i] = member.model_copy(update={
                        "value": found.value, "display": found.display, "must_type": False, "why": None,
                        "source": {**(found.source or {}), "shared_from": f"{forms[f0].procedure}.{found.id}"}})
            continue
        key = shared if sum(1 for k, _ in groups if k == shared) == 1 else f"{shared}@{scope}"
        inputs[key] = _input(key, shared, [(forms[f], m) for f, _, m in members])
        for f, i, member in members:
            fields[f][i] = member.model_copy(update={"input": key})
    for f, form in enumerate(forms):
        for i, filled in enumerate(fields[f]):
            if filled.must_type and filled.shared is None:
                key = f"{form.procedure}/{form.subject}/{filled.id}"
                inputs[key] = _input(key, None, [(form, filled)])
                fields[f][i] = filled.model_copy(update={"input": key})
    filled_forms = [form.model_copy(update={"fields": fields[f]}) for f, form in enumerate(forms)]
    return filled_forms, _in_bundle_order(filled_forms, inputs)


def _whose(shared: str, subject: str, situation: Situation) -> str:
    """The person a shared key's value is about (see the module's docstring)."""
    role = shared.split(".", 1)[0]
    if role == "applicant":
        return role
    if situation.event.question(role) is not None:
        named = situation.answers.get(role)
        return named if isinstance(named, str) and named else role
    return subject


def _input(key: str, shared: str | None, members: list[tuple[FilledForm, FilledField]]) -> BundleInput:
    first = members[0][1]
    certified = next((m for _, m in members if m.source and "certificate" in m.source), None)
    reason = certified or first
    certificate = certified.source.get("certificate") if certified and certified.source else None
    return BundleInput(
        key=key, shared=shared, label=first.label, type=first.type, options=first.options,
        required=any(m.required for _, m in members), typing=first.type not in CHOSEN,
        certificate=str(certificate) if certificate else None, why=reason.why or "",
        paper_chars=max(m.paper_chars for _, m in members),
        fields=[InputTarget(procedure=f.procedure, subject=f.subject, field=m.id) for f, m in members])


def _in_bundle_order(forms: Sequence[FilledForm], inputs: dict[str, BundleInput]) -> list[BundleInput]:
    """Inputs in the order their first field appears in the bundle."""
    order = list(dict.fromkeys(m.input for form in forms for m in form.fields if m.input is not None))
    return [inputs[key] for key in order]
