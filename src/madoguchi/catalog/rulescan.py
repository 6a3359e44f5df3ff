"""What a rule reads, so the loader can check it against the rest of the catalog.

``madoguchi.rules`` compiles the rule and says which answers (with the type
each use needs) and which answer-named persons it reads; this module adds the
hub items behind the person fields, the age functions and the household, which
the rule's procedure must list in ``reads`` (a purpose-bound read gives nothing
else).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass

from madoguchi.rules import RuleNotCompilable, compile_rule
from madoguchi.rules.tree import AgeCompare, Count, Field, LawTest, MonthsCompare, Quantifier
from madoguchi.rules.vocabulary import Kind

FIELD_ITEMS = {
    "sex": "sex",
    "relationship": "relationship",
    "is_head": "relationship",
    "is_applicant_spouse": "relationship",
    "resident_kind": "resident_kind",
    "nhi": "nhi",
    "late_elderly": "late_elderly",
    "ltc": "ltc",
    "care_level": "ltc",
    "pension_category": "pension",
    "pension_months": "pension",
    "child_allowance_recipient": "child_allowance",
    "child_allowance_child": "child_allowance",
    "income": "tax",
    "dependents": "tax",
    "taxed": "tax",
}
"""The hub item each person field of the rule language is read from."""


@dataclass(frozen=True)
class RuleReads:
    answers: Mapping[str, Kind | None]
    """Each answer read, with the type its use needs (None: only tested with has())."""
    persons: tuple[str, ...]
    """Answer-named persons (``deceased``, ``mother`` …): each needs its question."""
    items: frozenset[str]


def rule_reads(rule: str) -> RuleReads | None:
    """What ``rule`` reads; None when it does not compile (``check_rule`` says why)."""
    try:
        tree = compile_rule(rule).tree
    except RuleNotCompilable:
        return None
    items: set[str] = set()
    for node in _nodes(tree.root):
        if isinstance(node, Field) and node.name in FIELD_ITEMS:
            items.add(FIELD_ITEMS[node.name])
        elif isinstance(node, MonthsCompare):
            items.add("pension")
        elif isinstance(node, AgeCompare | LawTest):
            items.add("birth_date")
        elif isinstance(node, Quantifier | Count):
            items.add("household")
    return RuleReads(tree.answers, tree.persons, frozenset(items))


def _nodes(node: object) -> Iterator[object]:
    yield node
    if is_dataclass(node):
        for field in fields(node):
            child = getattr(node, field.name)
            if is_dataclass(child):
                yield from _nodes(child)
