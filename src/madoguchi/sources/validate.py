"""Checking and normalising one row against its file's layout.

A valid row comes out as text values ready for the hub's columns (dates in
ISO form, integers canonical, kana full-width; an empty string is "none"); a bad one
raises `BadRow` with a reason a person can act on. A sensitive column's value
never appears in a reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from operator import itemgetter

import jaconv

from madoguchi.identifiers import NumberingScheme, is_valid_my_number
from madoguchi.sources.layout import OP, OPS, Column, FileLayout

_KATAKANA = re.compile("[\u30a1-\u30f6\u30fb\u30fc\u3000]+")
"""Full-width katakana (small kana, ヴ, ヵ, ヶ included), ー, the middle dot ・ and U+3000."""
_SHOWN_CHARS = 40

Converter = Callable[[str], str]


def picker(positions: Sequence[int]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """Take the values at ``positions`` as a tuple (``itemgetter``, which gives a bare value for one)."""
    if len(positions) == 1:
        only = positions[0]
        return lambda values: (values[only],)
    return itemgetter(*positions)


class BadValue(Exception):
    """One value is wrong; the message says what is expected."""


class BadRow(Exception):
    """The row cannot enter the hub; the message is the reason shown in quarantine."""


Fallback = Callable[[str, str], str]


def _fallback(column: Column) -> Fallback:
    """What a value that is not a valid one becomes: the column's "none" if it is empty and may
    be, else a `BadValue` — "is required" for an empty one, ``problem`` for any other."""
    empty = None if column.required else "0" if column.kind == "flag" else ""

    def otherwise(value: str, problem: str) -> str:
        if value:
            raise BadValue(problem)
        if empty is None:
            raise BadValue("is required")
        return empty

    return otherwise


def _number(column: Column, scheme: NumberingScheme) -> Converter:
    otherwise = _fallback(column)
    last_valid = ""  # a household's members follow each other: skip re-checking its number

    def check(value: str) -> str:
        nonlocal last_valid
        if value == last_valid:
            return value
        if len(value) != scheme.length or not value.isascii() or not value.isdigit():
            return otherwise(value, f"must be {scheme.length} digits")
        expected = scheme.check_digit(value[:-1])
        if expected is None:
            raise BadValue("is not a number this city issues (no check digit fits its serial)")
        if expected != int(value[-1]):
            raise BadValue(f"check digit should be {expected}")
        last_valid = value
        return value

    return check


def number_problem(value: str, scheme: NumberingScheme) -> str | None:
    """What is wrong with a 宛名番号, or None when it is well-formed."""
    try:
        _number(Column("number", "number", required=True), scheme)(value)
    except BadValue as exc:
        return str(exc)
    return None


def _person(column: Column, scheme: NumberingScheme) -> Converter:
    # The check digit is verified with the register look-up (checks.py): a reference that
    # is not a resident's number is caught there, with the check digit named if it is wrong.
    otherwise = _fallback(column)

    def check(value: str) -> str:
        if len(value) == scheme.length and value.isascii() and value.isdigit():
            return value
        return otherwise(value, f"must be {scheme.length} digits")

    return check


def _my_number(column: Column) -> Converter:
    otherwise = _fallback(column)

    def check(value: str) -> str:
        if is_valid_my_number(value):
            return value
        if len(value) == 12 and value.isascii() and value.isdigit():
            raise BadValue("check digit is wrong")
        return otherwise(value, "must be 12 digits")

    return check


def _kana(column: Column) -> Converter:
    otherwise = _fallback(column)
    problem = "must be full-width katakana (half-width kana is widened)"

    def check(value: str) -> str:
        if _KATAKANA.fullmatch(value):
            return value
        widened = jaconv.h2z(value, kana=True, ascii=False, digit=False)
        if _KATAKANA.fullmatch(widened):
            return widened
        return otherwise(value, problem)

    return check


def _kana_name(column: Column) -> Converter:
    kana = _kana(column)

    def check(value: str) -> str:
        value = kana(value)
        family, _, given = value.partition("\u3000")
        if value and (not family or not given or "\u3000" in given):
            raise BadValue("must be the family and given name separated by one full-width space")
        return value

    return check


def _date(column: Column) -> Converter:
    otherwise = _fallback(column)

    def check(value: str) -> str:
        if len(value) == 10 and value[4] == "-" and value[7] == "-" and value.isascii():
            try:
                date.fromisoformat(value)
            except ValueError:
                raise BadValue("no such date") from None
            return value
        return otherwise(value, "must be a date YYYY-MM-DD")

    return check


def _code(column: Column, codes: tuple[str, ...], problem: str) -> Converter:
    otherwise = _fallback(column)
    allowed = frozenset(codes)

    def check(value: str) -> str:
        return value if value in allowed else otherwise(value, problem)

    return check


def _integer(column: Column) -> Converter:
    otherwise = _fallback(column)

    def check(value: str) -> str:
        if not value.isascii() or not value.isdigit():
            return otherwise(value, "must be a whole number")
        number = int(value)
        if not column.minimum <= number <= column.maximum:
            raise BadValue(f"must be between {column.minimum} and {column.maximum}")
        return str(number)

    return check


def _digits(column: Column) -> Converter:
    otherwise = _fallback(column)

    def check(value: str) -> str:
        if len(value) == column.length and value.isascii() and value.isdigit():
            return value
        return otherwise(value, f"must be {column.length} digits")

    return check


def _required_text(value: str) -> str:
    if not value:
        raise BadValue("is required")
    return value


def converter(column: Column, scheme: NumberingScheme) -> Converter | None:
    """Check and normalise one column's value (empty or not), or None when any text is fine.

    An empty value stays empty (the hub's "none") where the column allows it; a flag's
    becomes "0".
    """
    match column.kind:
        case "number":
            return _number(column, scheme)
        case "person":
            return _person(column, scheme)
        case "my_number":
            return _my_number(column)
        case "text":
            return _required_text if column.required else None
        case "kana":
            return _kana(column)
        case "kana_name":
            return _kana_name(column)
        case "date":
            return _date(column)
        case "code":
            return _code(column, column.codes, f"unknown code (allowed: {', '.join(column.codes)})")
        case "integer":
            return _integer(column)
        case "digits":
            return _digits(column)
        case "flag":
            return _code(column, ("1",), "must be 1 or empty")
        case "boolean":
            return _code(column, ("1", "0"), "must be 1 or 0")


def _describe(column: Column, value: str, problem: str) -> str:
    if column.sensitive or not value:
        return f"{column.name}: {problem}"
    shown = value if len(value) <= _SHOWN_CHARS else value[:_SHOWN_CHARS] + "…"
    return f"{column.name} {shown}: {problem}"


class RowValidator:
    """Checks the rows of one file, whose header may order the layout's columns freely.

    Values are text throughout; an empty string is "none".
    """

    def __init__(self, layout: FileLayout, header: tuple[str, ...], scheme: NumberingScheme,
                 *, delta: bool) -> None:
        self.layout = layout
        self.width = len(header)
        self.op_position = header.index(OP) if delta else None
        positions = {name: i for i, name in enumerate(header)}
        self._take = picker([positions[c.name] for c in layout.columns])
        converters = {c.name: converter(c, scheme) for c in layout.columns}
        self._converters = [(i, c, convert) for i, c in enumerate(layout.columns)
                            if (convert := converters[c.name]) is not None]
        self._keys = [(positions[c.name], c, converters[c.name] or str) for c in layout.columns
                      if c.name in layout.key]
        index = {c.name: i for i, c in enumerate(layout.columns)}
        self._requires = [(index[c.name], index[c.required_unless], c)
                          for c in layout.columns if c.required_unless]
        self._orders = [(index[c.name], index[c.not_before], c.not_before, c)
                        for c in layout.columns if c.not_before]
        self._births = [(index[c.name], index["birth_date"], c) for c in layout.columns
                        if c.not_before_birth_of and layout.carries_birth_date]

    def op(self, fields: list[str]) -> str:
        """The row's delta operation (``upsert`` in a full set)."""
        if self.op_position is None:
            return "upsert"
        op = fields[self.op_position]
        if op not in OPS:
            raise BadRow(f"op {op[:_SHOWN_CHARS]}: must be upsert or delete")
        return op

    def check_width(self, fields: list[str]) -> None:
        if len(fields) != self.width:
            raise BadRow(f"wrong column count: {len(fields)} values, the header has {self.width}")

    def values(self, fields: list[str]) -> list[str]:
        """The row's values in layout order, checked and normalised.

        Raises:
            BadRow: naming every wrong value.
        """
        values: list[str] = list(self._take(fields))
        try:
            for at, _, convert in self._converters:
                values[at] = convert(values[at])
        except BadValue:
            raise BadRow("; ".join(self._problems(list(self._take(fields))))) from None
        problems = self._row_problems(values)
        if problems:
            raise BadRow("; ".join(problems))
        return values

    def key_values(self, fields: list[str], *, strict: bool) -> dict[str, str]:
        """The row's key; a part that is not well-formed is empty, or with ``strict`` a `BadRow`."""
        key: dict[str, str] = {}
        problems: list[str] = []
        for position, column, convert in self._keys:
            raw = fields[position] if position < len(fields) else ""
            try:
                key[column.name] = convert(raw)
            except BadValue as exc:
                key[column.name] = ""
                problems.append(_describe(column, raw, str(exc)))
        if strict and problems:
            raise BadRow("; ".join(problems))
        return key

    def _problems(self, values: list[str]) -> list[str]:
        problems = []
        for at, column, convert in self._converters:
            try:
                convert(values[at])
            except BadValue as exc:
                problems.append(_describe(column, values[at], str(exc)))
        return problems

    def _row_problems(self, values: list[str]) -> list[str]:
        problems = []
        for at, other, column in self._requires:
            if not values[at] and not values[other]:
                problems.append(f"{column.name}: is required when {column.required_unless} is empty")
        for at, start, start_name, column in self._orders:
            end, begin = values[at], values[start]
            if end and begin and end < begin:
                problems.append(f"{column.name} {end}: is before {start_name} {begin}")
        for at, birth, column in self._births:
            when, born = values[at], values[birth]
            if when and born and when < born:
                problems.append(f"{column.name} {when}: is before birth_date {born}")
        return problems
