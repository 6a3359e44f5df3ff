"""A checked rule as a SQLAlchemy Core expression over the hub's current records.

A person is a source of facts: a row of ``juki_records`` (an alias; the
candidate applicant, a household member a quantifier ranges over, an
answer-named person), a fixed `Person` not in the hub (the newborn, a spouse
from elsewhere), or nobody (an answer that names no one: every fact NULL).
Each field becomes what `facts.build_household` computes, stated in SQL over
records LEFT JOINed to the person (`HubPerson`): insurance as the presence of
the current record in force on the event date, amounts as the latest tax
record's columns with their defaults. Every date rule of law is a comparison
of ``birth_date`` with a bound computed here from the event date
(`lawdates`), so the SQL carries no date arithmetic and is the same on SQLite
and PostgreSQL.

A rule's unknowns are NULL: SQL's three-valued logic is CEL's error absorption
for ``&&``, ``||`` and ``!``; for the rest (``? :``, ``exists``, ``all``,
``exists_one``, counts) the compiler emits the forms that keep NULL where the
Python side has `Unknown`, but only where an operand can be NULL at all.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    FromClause,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.sql.selectable import NamedFromClause
from sqlalchemy.types import TypeEngine

from madoguchi.registry.models import (
    ChildAllowanceRecord,
    JukiRecord,
    LateElderlyRecord,
    LtcRecord,
    NhiRecord,
    PensionRecord,
    TaxRecord,
)
from madoguchi.rules import lawdates
from madoguchi.rules import tree as t
from madoguchi.rules.facts import HEAD, RESIDENT, SPOUSE_PAIRS, Person
from madoguchi.rules.program import COMPARISONS, LAWS
from madoguchi.rules.tables import IncomeTable
from madoguchi.rules.vocabulary import PERSON_FIELDS, Kind

_SQL_TYPES: dict[Kind, TypeEngine[Any]] = {Kind.BOOL: Boolean(), Kind.INT: Integer(),
                                          Kind.STRING: String()}
_JUKI_COLUMNS = {"atena": "atena_number", "sex": "sex", "relationship": "relationship",
                 "resident_kind": "resident_kind"}
_TAX_COLUMNS = {"income": ("total_income", 0), "dependents": ("dependents", 0), "taxed": ("taxed", False)}
_ONE_PER_PERSON: dict[str, Any] = {"nhi": NhiRecord, "late_elderly": LateElderlyRecord, "ltc": LtcRecord,
                                   "pension": PensionRecord, "tax": TaxRecord}
"""Systems with at most one current record per person (tax: per fiscal year; the latest is joined)."""


class HubPerson:
    """A row of ``juki_records`` (an alias) and the records LEFT JOINed to it as the rule asks.

    The systems with one current record per person (NHI, 後期高齢者医療, 介護保険,
    国民年金), the latest tax year, and the persons receiving or counted in a
    児童手当 are joined on the 宛名番号, so every fact is a plain column
    expression: the database joins whole tables at once (hash joins) or probes
    an index once per person, however many fields the rule reads.
    """

    def __init__(self, row: NamedFromClause) -> None:
        self.row = row
        self._joins: dict[str, tuple[NamedFromClause, ColumnElement[bool]]] = {}

    def joined(self, key: str, make: Callable[[str], NamedFromClause],
               condition: Callable[[NamedFromClause], ColumnElement[bool]] | None = None) -> NamedFromClause:
        """The table ``make`` gives (once, named after the person), joined on its ``atena_number``."""
        if key not in self._joins:
            table = make(f"{self.row.name}_{key}")
            on = table.c.atena_number == self.row.c.atena_number
            self._joins[key] = (table, on if condition is None else and_(on, condition(table)))
        return self._joins[key][0]

    def from_clause(self) -> FromClause:
        """The person's row with everything joined so far, to select from."""
        joined: FromClause = self.row
        for table, on in self._joins.values():
            joined = joined.outerjoin(table, on)
        return joined


@dataclass(frozen=True)
class FixedPerson:
    person: Person


@dataclass(frozen=True)
class Nobody:
    pass


PersonSource = HubPerson | FixedPerson | Nobody
NOBODY = Nobody()


@dataclass(frozen=True)
class Sql:
    expr: ColumnElement[Any]
    nullable: bool


@dataclass(frozen=True)
class SqlScope:
    on: date
    applicant: HubPerson
    """The candidate applicant."""
    persons: Mapping[str, PersonSource]
    answers: Mapping[str, bool | int | str]
    answer_kinds: Mapping[str, Kind | None]
    tables: Mapping[str, IncomeTable]
    aliases: Iterator[int] = field(default_factory=itertools.count)

    def member_alias(self) -> NamedFromClause:
        return JukiRecord.__table__.alias(f"member_{next(self.aliases)}")

    def with_person(self, name: str, source: PersonSource) -> SqlScope:
        return replace(self, persons={**self.persons, name: source})


def resident(row: FromClause) -> ColumnElement[bool]:
    """A current 住民記録 row of a person living in the city."""
    return and_(row.c.valid_to.is_(None), row.c.status == RESIDENT)


def visible_member(member: FromClause, applicant: FromClause) -> ColumnElement[bool]:
    """``member`` is in the applicant's household and the applicant may see them (支援措置)."""
    return and_(member.c.household_number == applicant.c.household_number, resident(member),
                or_(not_(member.c.support_measure), member.c.atena_number == applicant.c.atena_number))


def compile_node(node: t.Node, scope: SqlScope) -> Sql:
    match node:
        case t.Literal(value):
            return Sql(_literal(value), False)
        case t.Answer(question):
            if question in scope.answers:
                return Sql(_literal(scope.answers[question]), False)
            kind = scope.answer_kinds.get(question) or Kind.BOOL
            return Sql(_null(kind), True)
        case t.Answered(question):
            return Sql(_literal(question in scope.answers), False)
        case t.Field(person, name):
            return _field(scope.persons[person], name, scope)
        case t.Not(operand):
            inner = compile_node(operand, scope)
            return Sql(not_(inner.expr), inner.nullable)
        case t.And(left, right):
            return _joined(and_, compile_node(left, scope), compile_node(right, scope))
        case t.Or(left, right):
            return _joined(or_, compile_node(left, scope), compile_node(right, scope))
        case t.Choice(condition, if_true, if_false):
            return _choice(*(compile_node(n, scope) for n in (condition, if_true, if_false)))
        case t.Compare(op, left, right):
            a, b = compile_node(left, scope), compile_node(right, scope)
            return Sql(COMPARISONS[op](a.expr, b.expr), a.nullable or b.nullable)
        case t.OneOf(item, values):
            inner = compile_node(item, scope)
            return Sql(inner.expr.in_(sorted(values, key=str)), inner.nullable)
        case t.Quantifier(kind, var, body):
            pinned = _pinned(var, body, scope) if kind != "all" else None
            if pinned is not None:
                member, rest = pinned
                return compile_node(rest, scope.with_person(var, member))
            return _quantifier(kind, var, body, scope)
        case t.Count(var, body):
            return _count(var, body, scope)
        case t.AgeCompare(person, op, years):
            return _age_compare(scope.persons[person], op, years, scope.on)
        case t.LawTest(law, person):
            return _law_test(scope.persons[person], law, scope.on)
        case t.MonthsCompare(person, op, months):
            return _months_compare(scope.persons[person], op, months, scope.on)
        case t.IncomeLimit(table, dependents):
            return _income_limit(scope.tables[table], compile_node(dependents, scope))
    raise AssertionError(f"unchecked node {node!r}")


def _literal(value: bool | int | str) -> ColumnElement[Any]:
    kind = Kind.BOOL if isinstance(value, bool) else Kind.INT if isinstance(value, int) else Kind.STRING
    return literal(value, _SQL_TYPES[kind])


def _null(kind: Kind) -> ColumnElement[Any]:
    """A typed NULL (a bare NULL compared with ``==`` would become ``IS NULL``)."""
    return cast(null(), _SQL_TYPES[kind])


def _joined(join: Callable[..., ColumnElement[bool]], a: Sql, b: Sql) -> Sql:
    return Sql(join(a.expr, b.expr), a.nullable or b.nullable)


def _choice(condition: Sql, if_true: Sql, if_false: Sql) -> Sql:
    if condition.nullable:  # CASE sends a NULL condition to ELSE; CEL gives an error
        expr = case((condition.expr, if_true.expr), (not_(condition.expr), if_false.expr))
    else:
        expr = case((condition.expr, if_true.expr), else_=if_false.expr)
    return Sql(expr, condition.nullable or if_true.nullable or if_false.nullable)


# -- persons ----------------------------------------------------------------------------------

def _field(source: PersonSource, name: str, scope: SqlScope) -> Sql:
    if isinstance(source, Nobody):
        return Sql(_null(PERSON_FIELDS[name]), True)
    if isinstance(source, FixedPerson):
        return Sql(_literal(getattr(source.person, name)), False)
    return Sql(_hub_field(source, name, scope), False)


def _hub_field(person: HubPerson, name: str, scope: SqlScope) -> ColumnElement[Any]:
    row, on, applicant = person.row, scope.on, scope.applicant.row
    if name in _JUKI_COLUMNS:
        return row.c[_JUKI_COLUMNS[name]]
    if name == "is_head":
        return row.c.relationship == HEAD
    if name == "is_applicant":
        return true() if person is scope.applicant else row.c.atena_number == applicant.c.atena_number
    if name == "is_applicant_spouse":
        if person is scope.applicant:
            return false()
        pairs = or_(*(and_(applicant.c.relationship == mine, row.c.relationship == theirs)
                      for mine, theirs in sorted(SPOUSE_PAIRS)))
        return and_(row.c.atena_number != applicant.c.atena_number, pairs)
    if name in ("nhi", "late_elderly"):
        return _present(_insured(person, name, on))
    if name == "ltc":
        return _present(_record(person, "ltc"))
    if name == "care_level":
        care = _record(person, "ltc")
        return _while(or_(care.c.certified_until.is_(None), care.c.certified_until >= on), care.c.care_level)
    if name == "pension_category":
        pension = _record(person, "pension")
        return _while(or_(pension.c.since.is_(None), pension.c.since <= on), pension.c.category)
    if name in ("child_allowance_recipient", "child_allowance_child"):
        role = (ChildAllowanceRecord.recipient_atena if name == "child_allowance_recipient"
                else ChildAllowanceRecord.child_atena)
        return _present(_allowances(person, role, on))
    if name in _TAX_COLUMNS:
        column, default = _TAX_COLUMNS[name]
        return func.coalesce(_record(person, "tax").c[column], _literal(default))
    if name in ("employer_insurance", "public_servant"):
        return false()  # only movers (not in the hub) carry these
    raise AssertionError(f"field {name} has no SQL")


def _present(record: NamedFromClause) -> ColumnElement[bool]:
    """A record LEFT JOINed on its ``atena_number`` was found.

    Tested on the join column, not the id: a join on it never matches a NULL,
    so the database knows a NULL there means no record, and plans
    ``IS NOT NULL`` as a join and ``IS NULL`` as an anti-join.
    """
    return record.c.atena_number.is_not(None)


def _while(holds: ColumnElement[bool], code: Any) -> ColumnElement[Any]:
    """A code of a joined record while ``holds``, else (or without a record) the empty string."""
    return case((holds, func.coalesce(code, "")), else_="")


def _in_force(start: Any, end: Any, on: date) -> ColumnElement[bool]:
    """Started on or before ``on`` and not ended by it (the end day is the first day without)."""
    return and_(start <= on, or_(end.is_(None), end > on))


def _record(person: HubPerson, system: str) -> NamedFromClause:
    """The person's current record of a system with one per person (tax: the latest year)."""
    table = _ONE_PER_PERSON[system].__table__

    def current(record: NamedFromClause) -> ColumnElement[bool]:
        condition = record.c.valid_to.is_(None)
        return and_(condition, _latest_year(record)) if system == "tax" else condition
    return person.joined(system, table.alias, current)


def _insured(person: HubPerson, system: str, on: date) -> NamedFromClause:
    """The person's current record of an insurance, joined only where it is in force on ``on``.

    The insurance is then the record's presence, tested on the column joined
    on (`_present`), and a test of the dates after an outer join is one
    the database estimates to keep almost nothing, choosing its plan for that.
    """
    def in_force(record: NamedFromClause) -> ColumnElement[bool]:
        return and_(record.c.valid_to.is_(None), _in_force(record.c.acquired_on, record.c.lost_on, on))
    return person.joined(system, _ONE_PER_PERSON[system].__table__.alias, in_force)


def _latest_year(tax: NamedFromClause) -> ColumnElement[bool]:
    """No later fiscal year of the same person is on record."""
    later = TaxRecord.__table__.alias(f"{tax.name}_later")
    return ~select(later.c.id).where(
        later.c.atena_number == tax.c.atena_number, later.c.valid_to.is_(None),
        later.c.fiscal_year > tax.c.fiscal_year).correlate_except(later).exists()


def _allowances(person: HubPerson, role: Any, on: date) -> NamedFromClause:
    """The persons in ``role`` of a 児童手当 in force on ``on``, once each, joined to the person."""
    def receiving(name: str) -> NamedFromClause:
        return (select(role.label("atena_number"))
                .where(ChildAllowanceRecord.valid_to.is_(None),
                       _in_force(ChildAllowanceRecord.certified_on, ChildAllowanceRecord.ended_on, on))
                .distinct().subquery(name))
    return person.joined(role.key, receiving)


# -- date law ---------------------------------------------------------------------------------

def _at_least(op: str, n: int, reaches: Callable[[int], ColumnElement[bool]]) -> ColumnElement[bool]:
    """``count <op> n`` from ``reaches(k)``, the test "count ≥ k"."""
    if op == ">=":
        return reaches(n)
    if op == ">":
        return reaches(n + 1)
    if op == "<":
        return not_(reaches(n))
    if op == "<=":
        return not_(reaches(n + 1))
    if op == "==":
        return and_(reaches(n), not_(reaches(n + 1)))
    return or_(not_(reaches(n)), reaches(n + 1))


def _fixed(source: FixedPerson | Nobody, decide: Callable[[Person], bool | None]) -> Sql:
    """A date rule for a person outside the hub, decided here (None: unknown)."""
    value = decide(source.person) if isinstance(source, FixedPerson) else None
    return Sql(_null(Kind.BOOL), True) if value is None else Sql(_literal(value), False)


def _age_compare(source: PersonSource, op: str, years: int, on: date) -> Sql:
    if not isinstance(source, HubPerson):
        compare = COMPARISONS[op]
        return _fixed(source, lambda p: None if p.birth_date is None
                      else compare(lawdates.age(p.birth_date, on), years))
    birth = source.row.c.birth_date
    return Sql(_at_least(op, years, lambda k: birth <= lawdates.reached_bound(on, k)), True)


def _law_test(source: PersonSource, law: str, on: date) -> Sql:
    if not isinstance(source, HubPerson):
        return _fixed(source, lambda p: None if p.birth_date is None else LAWS[law](p.birth_date, on))
    birth = source.row.c.birth_date
    if law == "late_elderly_age":
        return Sql(birth <= lawdates.late_elderly_bound(on), True)
    first, last = (lawdates.compulsory_school_bounds(on) if law == "compulsory_school_age"
                   else lawdates.child_allowance_bounds(on))
    return Sql(and_(birth >= first, birth <= last), True)


def _months_compare(source: PersonSource, op: str, months: int, on: date) -> Sql:
    if not isinstance(source, HubPerson):
        compare = COMPARISONS[op]
        return _fixed(source, lambda p: compare(p.pension_months, months))
    since = _record(source, "pension").c.since

    def reaches(k: int) -> ColumnElement[bool]:
        if k <= 0:
            return true()  # everyone has at least 0 months, on record or not
        return and_(since.is_not(None), since <= lawdates.pension_months_bound(on, k))
    return Sql(_at_least(op, months, reaches), False)


def _income_limit(table: IncomeTable, dependents: Sql) -> Sql:
    """The table's value as a CASE on the dependents.

    A simple CASE reads the dependents once per row, not once per row of the
    table; outside the table's rows the ELSE gives the first row below it and
    the last row plus ``each_additional`` above, and NULL for NULL.
    """
    d, rows = dependents.expr, table.rows
    (first_key, first_value), (last_key, last_value) = rows[0], rows[-1]
    by_count = {k: _literal(table.value(k)) for k in range(first_key, last_key + 1)}
    beyond = case((d < first_key, _literal(first_value)),
                  else_=_literal(last_value) + (d - last_key) * table.each_additional)
    return Sql(case(by_count, value=d, else_=beyond), dependents.nullable)


# -- the household ----------------------------------------------------------------------------

def _members(scope: SqlScope, var: str) -> tuple[HubPerson, SqlScope]:
    member = HubPerson(scope.member_alias())
    return member, scope.with_person(var, member)


def household_select(member: HubPerson, scope: SqlScope, *columns: Any) -> Select[Any]:
    """SELECT ``columns`` (the row id by default) from the applicant's household bound to ``member``.

    Build it once the conditions on the member are compiled: the records they
    read are joined to the member's row.
    """
    return (select(*(columns or (member.row.c.id,))).select_from(member.from_clause())
            .where(visible_member(member.row, scope.applicant.row)).correlate_except(member.row))


def _pinned(var: str, body: t.Node, scope: SqlScope) -> tuple[HubPerson, t.Node] | None:
    """The hub person an ``exists``/``exists_one`` body pins its member to, and the body without the pin.

    A conjunct ``m.atena == p.atena`` leaves one member to range over when
    ``p`` is a hub person: every hub person of a screening is a member of the
    applicant's household the applicant sees, and a 宛名番号 is one current
    row. For every other member the body is false whatever the rest says
    (CEL's ``false && error`` is false), so the quantifier is the rest of the
    body for ``p``: no subquery, which the database would run once per row.
    """
    for conjunct in _conjuncts(body):
        match conjunct:
            case t.Compare("==", t.Field(a, "atena"), t.Field(b, "atena")) if var in (a, b) and a != b:
                other = scope.persons.get(b if a == var else a)
                if isinstance(other, HubPerson):
                    return other, _replaced(body, conjunct, t.Literal(True))
    return None


def _conjuncts(node: t.Node) -> Iterator[t.Node]:
    if isinstance(node, t.And):
        yield from _conjuncts(node.left)
        yield from _conjuncts(node.right)
    else:
        yield node


def _replaced(node: t.Node, conjunct: t.Node, by: t.Node) -> t.Node:
    """``node`` with ``conjunct`` (one of its conjuncts, by identity) replaced ``by``."""
    if node is conjunct:
        return by
    if isinstance(node, t.And):
        return t.And(_replaced(node.left, conjunct, by), _replaced(node.right, conjunct, by))
    return node


def _quantifier(kind: str, var: str, body_node: t.Node, scope: SqlScope) -> Sql:
    member, inner = _members(scope, var)
    body = compile_node(body_node, inner)
    if body.nullable:
        return Sql(_three_valued(kind, member, scope, body.expr), True)
    if kind == "exists":
        return Sql(household_select(member, scope).where(body.expr).exists(), False)
    if kind == "all":
        return Sql(~household_select(member, scope).where(not_(body.expr)).exists(), False)
    count = household_select(member, scope, func.count()).where(body.expr).scalar_subquery()
    return Sql(count == 1, False)


def _three_valued(kind: str, member: HubPerson, scope: SqlScope, body: ColumnElement[bool]) -> ColumnElement[Any]:
    """A quantifier whose condition can be NULL, in one pass over the household.

    Each member grades 2 (true), 1 (unknown) or 0 (false): ``exists`` is the
    best grade, ``all`` the worst, as CEL's error-absorbing ``||`` and ``&&``.
    """
    if kind == "exists_one":
        return household_select(member, scope, _tally(body, lambda trues: trues == 1)).scalar_subquery()
    grade = case({True: 2, False: 0}, value=body, else_=1)
    if kind == "exists":
        best = household_select(member, scope, func.max(grade)).scalar_subquery()
        return case({2: true(), 1: null()}, value=best, else_=false())
    worst = household_select(member, scope, func.min(grade)).scalar_subquery()
    return case({0: false(), 1: null()}, value=worst, else_=true())


def _tally(body: ColumnElement[bool], then: Callable[[ColumnElement[Any]], ColumnElement[Any]]) -> ColumnElement[Any]:
    """``then(number of members for whom body is true)``, or NULL when it is NULL for one."""
    unknown = func.count(case((body.is_(None), 1)))
    return case((unknown > 0, null()), else_=then(func.count(case((body, 1)))))


def _count(var: str | None, body_node: t.Node | None, scope: SqlScope) -> Sql:
    member, inner = _members(scope, var or "_")
    if var is None or body_node is None:
        return Sql(household_select(member, scope, func.count()).scalar_subquery(), False)
    body = compile_node(body_node, inner)
    if body.nullable:
        tally = _tally(body.expr, lambda trues: trues)
        return Sql(household_select(member, scope, tally).scalar_subquery(), True)
    return Sql(household_select(member, scope, func.count()).where(body.expr).scalar_subquery(), False)
