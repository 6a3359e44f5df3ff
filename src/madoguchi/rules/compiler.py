"""A rule compiled once, both ways: a Python program and a SQL expression builder.

`compile_rule` parses the text with cel-python, checks it against the
vocabulary (`rules.checker`) and builds the Python program (`rules.program`);
the result is cached by the text, so a catalog's rules are compiled once per
process. `CompiledRule.sql` states the same rule in SQL for a given scope
(`rules.sql`). `check_rule` gives ``catalog check`` every problem of a rule.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from madoguchi.rules import program, sql
from madoguchi.rules.checker import parse_rule
from madoguchi.rules.errors import AnswerInvalid, RuleNotCompilable
from madoguchi.rules.tables import IncomeTable
from madoguchi.rules.tree import RuleTree
from madoguchi.rules.vocabulary import Kind

_EXPECTED = {Kind.BOOL: (bool, "true or false"), Kind.INT: (int, "a whole number"),
             Kind.STRING: (str, "a string")}


@dataclass(frozen=True)
class CompiledRule:
    tree: RuleTree
    program: program.Program

    @property
    def text(self) -> str:
        return self.tree.text

    def answer_values(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The given answers this rule reads, each checked against the type its use requires.

        Raises AnswerInvalid naming the question when one has the wrong type.
        """
        values: dict[str, Any] = {}
        for question, kind in self.tree.answers.items():
            if question not in answers:
                continue
            value = answers[question]
            if kind is not None:
                expected, words = _EXPECTED[kind]
                if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                    raise AnswerInvalid(question, f"the rule needs {words}, not {value!r}")
            values[question] = value
        return values

    def check_tables(self, tables: Mapping[str, IncomeTable]) -> None:
        """Raises RuleNotCompilable when the rule reads a table the catalog lacks."""
        missing = sorted(self.tree.tables - set(tables))
        if missing:
            raise RuleNotCompilable(self.text, [_no_table(name) for name in missing])

    def sql(self, scope: sql.SqlScope) -> sql.Sql:
        return sql.compile_node(self.tree.root, scope)


@lru_cache(maxsize=4096)
def compile_rule(text: str) -> CompiledRule:
    """The rule compiled both ways; raises RuleNotCompilable with every problem found."""
    tree = parse_rule(text)
    return CompiledRule(tree, program.build(tree.root))


def check_rule(text: str, *, tables: Collection[str] | None = None) -> list[str]:
    """Every problem of a rule (empty when it compiles both ways); with ``tables``, the
    ids of the catalog's income tables, a table the rule reads must be among them."""
    try:
        compiled = compile_rule(text)
    except RuleNotCompilable as error:
        return error.errors
    if tables is None:
        return []
    return [_no_table(name) for name in sorted(compiled.tree.tables - set(tables))]


def _no_table(name: str) -> str:
    return f"income_limit(): the catalog has no table {name!r} keyed by dependents"

