"""The rule language (docs/rules.md): CEL evaluated in Python for one household and
compiled to SQL for the whole population."""

from madoguchi.rules.compiler import CompiledRule, check_rule, compile_rule
from madoguchi.rules.errors import AnswerInvalid, NotAMember, RuleNotCompilable, RuleNotScreenable
from madoguchi.rules.evaluate import evaluate
from madoguchi.rules.facts import (
    HouseholdFacts,
    Person,
    build_household,
    movers_household,
    newborn,
    person_from_answer,
)
from madoguchi.rules.outcome import NeedsAnswers, NeedsStaffCheck, Outcome
from madoguchi.rules.screen import screen, screen_household, screen_query
from madoguchi.rules.subjects import SELECTORS, select_subjects
from madoguchi.rules.tables import IncomeTable, income_tables_from_catalog

__all__ = [
    "SELECTORS", "AnswerInvalid", "CompiledRule", "HouseholdFacts", "IncomeTable", "NeedsAnswers",
    "NeedsStaffCheck", "NotAMember", "Outcome", "Person", "RuleNotCompilable", "RuleNotScreenable",
    "build_household", "check_rule", "compile_rule", "evaluate", "income_tables_from_catalog",
    "movers_household", "newborn", "person_from_answer", "screen", "screen_household", "screen_query",
    "select_subjects",
]
