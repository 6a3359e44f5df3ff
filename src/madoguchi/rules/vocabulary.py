"""The names, fields and functions a rule may use, with their kinds (docs/rules.md)."""

from __future__ import annotations

from enum import Enum


class Kind(Enum):
    """What an expression stands for, as the checker sees it."""

    BOOL = "a boolean"
    INT = "a whole number"
    STRING = "a string"
    PERSON = "a person"
    HOUSEHOLD = "the household"
    ANSWERS = "the answers"
    LIST = "a list literal"
    FILTERED = "a filtered household"
    YEARS = "an age in years"
    MONTHS = "a number of pension months"
    UNTYPED = "an answer of unknown type"
    """An answer whose type the rule has not settled yet (it is settled by what it is compared with)."""


SCALARS = (Kind.BOOL, Kind.INT, Kind.STRING)

APPLICANT = "applicant"
SUBJECT = "subject"
HOUSEHOLD = "household"
ANSWERS = "answers"
ANSWER_PERSONS = ("deceased", "mother", "claimant", "person", "former_spouse")
"""Persons named by the answer of the same id."""
PERSON_NAMES = (APPLICANT, SUBJECT, *ANSWER_PERSONS)
RESERVED = frozenset({*PERSON_NAMES, HOUSEHOLD, ANSWERS})

PERSON_FIELDS: dict[str, Kind] = {
    "atena": Kind.STRING,
    "sex": Kind.STRING,
    "relationship": Kind.STRING,
    "is_head": Kind.BOOL,
    "is_applicant": Kind.BOOL,
    "is_applicant_spouse": Kind.BOOL,
    "resident_kind": Kind.STRING,
    "nhi": Kind.BOOL,
    "late_elderly": Kind.BOOL,
    "ltc": Kind.BOOL,
    "care_level": Kind.STRING,
    "pension_category": Kind.STRING,
    "pension_months": Kind.MONTHS,
    "child_allowance_recipient": Kind.BOOL,
    "child_allowance_child": Kind.BOOL,
    "income": Kind.INT,
    "dependents": Kind.INT,
    "taxed": Kind.BOOL,
    "employer_insurance": Kind.BOOL,
    "public_servant": Kind.BOOL,
}

LAW_TESTS = ("late_elderly_age", "compulsory_school_age", "child_allowance_age")
"""Functions of one person that say whether a date rule of law holds for them."""
FUNCTIONS = ("age", "reached", *LAW_TESTS, "income_limit", "has")
MACROS = ("exists", "all", "exists_one")

MAX_YEARS = 150
MAX_MONTHS = 1200
