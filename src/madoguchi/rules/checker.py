"""From cel-python's parse tree to a checked `RuleTree`, or every reason it cannot be one.

cel-python parses the text (its Lark grammar of CEL); this module walks the
tree once, accepts only the vocabulary of docs/rules.md and gives each
expression a kind. A refusal names the construct and where it is, e.g.
``at 1:12 `m.name.startsWith("ヤマ")`: string function startsWith() is not
part of the rule language``. Answers have no declared types here: a rule's
use of an answer settles its type (compared with a string, it is a string).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from celpy.celparser import CELParseError, CELParser
from celpy.evaluation import celstr
from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedToken

from madoguchi.rules import tree as t
from madoguchi.rules.errors import RuleNotCompilable
from madoguchi.rules.vocabulary import (
    ANSWER_PERSONS,
    ANSWERS,
    APPLICANT,
    FUNCTIONS,
    HOUSEHOLD,
    LAW_TESTS,
    MACROS,
    MAX_MONTHS,
    MAX_YEARS,
    PERSON_FIELDS,
    RESERVED,
    SCALARS,
    SUBJECT,
    Kind,
)

_RELATIONS = {"relation_lt": "<", "relation_le": "<=", "relation_gt": ">", "relation_ge": ">=",
              "relation_eq": "==", "relation_ne": "!=", "relation_in": "in"}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_ARITHMETIC = {"addition_add": "+", "addition_sub": "-", "multiplication_mul": "*",
               "multiplication_div": "/", "multiplication_mod": "%"}
_STRING_FUNCTIONS = frozenset({"contains", "startsWith", "endsWith", "matches", "size", "lowerAscii",
                               "upperAscii", "replace", "split", "substring", "trim", "join",
                               "charAt", "indexOf", "lastIndexOf", "format", "string"})
_DATE_FUNCTIONS = frozenset({"timestamp", "duration", "getFullYear", "getMonth", "getDate",
                             "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getHours",
                             "getMinutes", "getSeconds", "getMilliseconds", "date", "now", "today"})
Syntax = Tree[Any]
"""A node of cel-python's parse tree."""
_NAMES_HINT = ", ".join((APPLICANT, SUBJECT, HOUSEHOLD, ANSWERS, *ANSWER_PERSONS))
_FUNCTIONS_HINT = ", ".join(f"{name}()" for name in FUNCTIONS)


class _Refused(Exception):
    """One problem, already located; the walk records it and goes on with the siblings."""


class _Reported(Exception):
    """A problem below was recorded; the enclosing construct cannot be checked."""


@dataclass
class _Typed:
    kind: Kind
    where: Syntax
    node: t.Node | None = None
    person: str | None = None
    """For a person, an age or pension months: whose."""
    values: tuple[t.Scalar, ...] = ()
    """For a list literal."""
    var: str | None = None
    body: t.Node | None = None
    """For a filtered household."""


@dataclass
class _Checker:
    text: str
    errors: list[str] = field(default_factory=list)
    answers: dict[str, Kind | None] = field(default_factory=dict)
    persons: list[str] = field(default_factory=list)
    tables: set[str] = field(default_factory=set)
    reads_subject: bool = False
    scope: list[str] = field(default_factory=list)

    # -- plumbing ---------------------------------------------------------------------------

    def excerpt(self, tree: Syntax) -> str:
        meta = tree.meta
        if getattr(meta, "empty", True):
            return self.text.strip()
        return " ".join(self.text[meta.start_pos:meta.end_pos].split())

    def refuse(self, tree: Syntax, problem: str) -> _Refused:
        meta = tree.meta
        place = "" if getattr(meta, "empty", True) else f"at {meta.line}:{meta.column} "
        return _Refused(f"{place}`{self.excerpt(tree)}`: {problem}")

    def visit(self, tree: Syntax) -> _Typed:
        try:
            typed: _Typed = getattr(self, f"_{tree.data}")(tree)
            return typed
        except _Refused as refused:
            self.errors.append(str(refused))
            raise _Reported from None

    def visit_all(self, trees: list[Syntax]) -> list[_Typed]:
        """Visit every tree, recording the problems of each before giving up."""
        results, failed = [], False
        for tree in trees:
            try:
                results.append(self.visit(tree))
            except _Reported:
                failed = True
        if failed:
            raise _Reported
        return results

    def node(self, typed: _Typed, kind: Kind) -> t.Node:
        """The typed expression as a node of ``kind`` (settling an answer's type)."""
        if typed.kind is Kind.UNTYPED:
            self.settle(typed, kind)
        elif typed.kind is not kind:
            raise self.refuse(typed.where, f"expected {kind.value}, found {typed.kind.value}")
        assert typed.node is not None
        return typed.node

    def settle(self, typed: _Typed, kind: Kind) -> None:
        assert isinstance(typed.node, t.Answer)
        question = typed.node.question
        known = self.answers.get(question)
        if known is not None and known is not kind:
            raise self.refuse(typed.where, f"answers.{question} is used both as {known.value} "
                                           f"and as {kind.value}")
        self.answers[question] = kind

    def unify(self, tree: Syntax, left: _Typed, right: _Typed, what: str) -> Kind:
        """The one scalar kind two operands share (an answer takes the other side's kind)."""
        kinds = {left.kind, right.kind}
        if kinds == {Kind.UNTYPED}:
            raise self.refuse(tree, "cannot tell the type of the answers compared here; "
                                    "compare an answer with a literal or a person's field")
        if Kind.PERSON in kinds:
            raise self.refuse(tree, "persons cannot be compared; compare their atena "
                                    "(`m.atena == applicant.atena`)")
        concrete = (kinds - {Kind.UNTYPED}).pop() if len(kinds - {Kind.UNTYPED}) == 1 else None
        if concrete is None or concrete not in SCALARS:
            found = " and ".join(sorted(k.value for k in kinds))
            raise self.refuse(tree, f"{what} needs two booleans, numbers or strings; found {found}")
        for side in (left, right):
            if side.kind is Kind.UNTYPED:
                self.settle(side, concrete)
        return concrete

    # -- CEL's grammar, rule by rule ------------------------------------------------------------

    def _expr(self, tree: Syntax) -> _Typed:
        if len(tree.children) == 1:
            return self.visit(tree.children[0])
        condition, if_true, if_false = self.visit_all(tree.children)
        kind = self.unify(tree, if_true, if_false, "`? :`")
        node = t.Choice(self.node(condition, Kind.BOOL), self.node(if_true, kind),
                        self.node(if_false, kind))
        return _Typed(kind, tree, node)

    def _conditionalor(self, tree: Syntax) -> _Typed:
        return self._logical(tree, t.Or)

    def _conditionaland(self, tree: Syntax) -> _Typed:
        return self._logical(tree, t.And)

    def _logical(self, tree: Syntax, make: type[t.And] | type[t.Or]) -> _Typed:
        if len(tree.children) == 1:
            return self.visit(tree.children[0])
        left, right = self.visit_all(tree.children)
        return _Typed(Kind.BOOL, tree, make(self.node(left, Kind.BOOL), self.node(right, Kind.BOOL)))

    def _relation(self, tree: Syntax) -> _Typed:
        if len(tree.children) == 1:
            return self.visit(tree.children[0])
        operator, right_tree = tree.children
        op = _RELATIONS[operator.data]
        left, right = self.visit_all([operator.children[0], right_tree])
        if op == "in":
            return self.membership(tree, left, right)
        return self.comparison(tree, op, left, right)

    def membership(self, tree: Syntax, item: _Typed, container: _Typed) -> _Typed:
        if container.kind is not Kind.LIST:
            raise self.refuse(tree, "`in` needs a list literal on its right, e.g. `x in [\"a\", \"b\"]`")
        element = {type(v) for v in container.values}.pop()
        kind = {bool: Kind.BOOL, int: Kind.INT, str: Kind.STRING}[element]
        return _Typed(Kind.BOOL, tree, t.OneOf(self.node(item, kind), frozenset(container.values)))

    def comparison(self, tree: Syntax, op: str, left: _Typed, right: _Typed) -> _Typed:
        counted = (Kind.YEARS, Kind.MONTHS)
        if left.kind in counted or right.kind in counted:
            return self.counted_comparison(tree, op, left, right)
        kind = self.unify(tree, left, right, f"`{op}`") if op in ("==", "!=") else Kind.INT
        node = t.Compare(op, self.node(left, kind), self.node(right, kind))
        return _Typed(Kind.BOOL, tree, node)

    def counted_comparison(self, tree: Syntax, op: str, left: _Typed, right: _Typed) -> _Typed:
        """An age or a count of pension months against a literal: a bound on a date in SQL."""
        counted, other = (left, right) if left.kind in (Kind.YEARS, Kind.MONTHS) else (right, left)
        if counted is right:
            op = _FLIPPED[op]
        years = counted.kind is Kind.YEARS
        what = "age(...)" if years else "pension_months"
        limit = MAX_YEARS if years else MAX_MONTHS
        literal = other.node.value if isinstance(other.node, t.Literal) else None
        if not isinstance(literal, int) or isinstance(literal, bool) or not 0 <= literal <= limit:
            raise self.refuse(tree, f"{what} can only be compared with a whole-number literal "
                                    f"from 0 to {limit}")
        assert counted.person is not None
        node: t.Node = (t.AgeCompare(counted.person, op, literal) if years
                        else t.MonthsCompare(counted.person, op, literal))
        return _Typed(Kind.BOOL, tree, node)

    def _addition(self, tree: Syntax) -> _Typed:
        return self._no_arithmetic(tree)

    def _multiplication(self, tree: Syntax) -> _Typed:
        return self._no_arithmetic(tree)

    def _no_arithmetic(self, tree: Syntax) -> _Typed:
        if len(tree.children) == 1:
            return self.visit(tree.children[0])
        symbol = _ARITHMETIC[tree.children[0].data]
        raise self.refuse(tree, f"arithmetic (`{symbol}`) is not part of the rule language")

    def _unary(self, tree: Syntax) -> _Typed:
        if len(tree.children) == 1:
            return self.visit(tree.children[0])
        operator, operand_tree = tree.children
        if operator.data == "unary_neg":
            raise self.refuse(tree, "negation (`-`) is not part of the rule language; "
                                    "write a negative number as a literal")
        operand = self.visit(operand_tree)
        return _Typed(Kind.BOOL, tree, t.Not(self.node(operand, Kind.BOOL)))

    def _member(self, tree: Syntax) -> _Typed:
        return self.visit(tree.children[0])

    def _primary(self, tree: Syntax) -> _Typed:
        return self.visit(tree.children[0])

    def _paren_expr(self, tree: Syntax) -> _Typed:
        return self.visit(tree.children[0])

    def _member_dot(self, tree: Syntax) -> _Typed:
        target_tree, name_token = tree.children
        target = self.visit(target_tree)
        name = str(name_token)
        if target.kind is Kind.ANSWERS:
            self.answers.setdefault(name, None)
            return _Typed(Kind.UNTYPED, tree, t.Answer(name))
        if target.kind is Kind.PERSON:
            assert target.person is not None
            kind = PERSON_FIELDS.get(name)
            if kind is None:
                raise self.refuse(tree, f"a person has no field `{name}`; fields: "
                                        + ", ".join(PERSON_FIELDS))
            if kind is Kind.MONTHS:
                return _Typed(kind, tree, person=target.person)
            return _Typed(kind, tree, t.Field(target.person, name))
        raise self.refuse(tree, f"{target.kind.value} has no field `{name}`")

    def _member_dot_arg(self, tree: Syntax) -> _Typed:
        target_tree, name_token, *rest = tree.children
        method = str(name_token)
        arguments = list(rest[0].children) if rest else []
        if method in (*MACROS, "filter"):
            return self.macro(tree, method, target_tree, arguments)
        if method == "size" and not arguments:
            target = self.visit(target_tree)
            if target.kind is Kind.HOUSEHOLD:
                return _Typed(Kind.INT, tree, t.Count(None, None))
            if target.kind is Kind.FILTERED:
                return _Typed(Kind.INT, tree, t.Count(target.var, target.body))
        raise self.refuse(tree, self.unknown_function(method, method=True))

    def macro(self, tree: Syntax, method: str, target_tree: Syntax, arguments: list[Syntax]) -> _Typed:
        target = self.visit(target_tree)
        if target.kind is not Kind.HOUSEHOLD:
            raise self.refuse(tree, f"{method}() ranges over `household` only")
        var = _bare_name(arguments[0]) if len(arguments) == 2 else None
        if var is None:
            raise self.refuse(tree, f"{method}() takes a variable name and a condition, "
                                    f"e.g. `household.{method}(m, m.nhi)`")
        if var in RESERVED or var in self.scope:
            raise self.refuse(tree, f"the variable name `{var}` is already taken; choose another")
        self.scope.append(var)
        try:
            body = self.node(self.visit(arguments[1]), Kind.BOOL)
        finally:
            self.scope.pop()
        if method == "filter":
            return _Typed(Kind.FILTERED, tree, var=var, body=body)
        return _Typed(Kind.BOOL, tree, t.Quantifier(method, var, body))

    def _member_index(self, tree: Syntax) -> _Typed:
        raise self.refuse(tree, "indexing (`[...]`) is not part of the rule language")

    def _member_object(self, tree: Syntax) -> _Typed:
        raise self.refuse(tree, "building messages (`{...}`) is not part of the rule language")

    def _map_lit(self, tree: Syntax) -> _Typed:
        raise self.refuse(tree, "map literals are not part of the rule language")

    def _dot_ident(self, tree: Syntax) -> _Typed:
        raise self.refuse(tree, "names with a leading dot are not part of the rule language")

    def _dot_ident_arg(self, tree: Syntax) -> _Typed:
        return self._dot_ident(tree)

    def _list_lit(self, tree: Syntax) -> _Typed:
        items = self.visit_all(list(tree.children[0].children)) if tree.children else []
        values = [i.node.value for i in items if isinstance(i.node, t.Literal)]
        if not items:
            raise self.refuse(tree, "an empty list matches nothing; leave the test out")
        if len(values) != len(items) or len({type(v) for v in values}) != 1:
            raise self.refuse(tree, "a list holds literals of one kind, e.g. `[\"妻\", \"夫\"]`")
        return _Typed(Kind.LIST, tree, values=tuple(values))

    def _literal(self, tree: Syntax) -> _Typed:
        token = tree.children[0]
        assert isinstance(token, Token)
        value = str(token)
        if token.type == "INT_LIT":
            number = int(value, 16) if "x" in value.lower() else int(value)
            return _Typed(Kind.INT, tree, t.Literal(number))
        if token.type in ("STRING_LIT", "MLSTRING_LIT"):
            return _Typed(Kind.STRING, tree, t.Literal(str(celstr(token))))
        if token.type == "BOOL_LIT":
            return _Typed(Kind.BOOL, tree, t.Literal(value == "true"))
        raise self.refuse(tree, "only whole numbers, strings, true and false are literals "
                                "in the rule language")

    def _ident(self, tree: Syntax) -> _Typed:
        name = str(tree.children[0])
        if name in self.scope or name == APPLICANT:
            return _Typed(Kind.PERSON, tree, person=name)
        if name == SUBJECT:
            self.reads_subject = True
            return _Typed(Kind.PERSON, tree, person=name)
        if name in ANSWER_PERSONS:
            if name not in self.persons:
                self.persons.append(name)
            return _Typed(Kind.PERSON, tree, person=name)
        if name == HOUSEHOLD:
            return _Typed(Kind.HOUSEHOLD, tree)
        if name == ANSWERS:
            return _Typed(Kind.ANSWERS, tree)
        raise self.refuse(tree, f"unknown name `{name}`; names: {_NAMES_HINT}")

    def _ident_arg(self, tree: Syntax) -> _Typed:
        name_token, *rest = tree.children
        name = str(name_token)
        argument_trees = list(rest[0].children) if rest else []
        if name not in FUNCTIONS:
            raise self.refuse(tree, self.unknown_function(name, method=False))
        arguments = self.visit_all(argument_trees)
        kinds = [a.kind for a in arguments]
        if name == "has" and len(arguments) == 1 and isinstance(arguments[0].node, t.Answer):
            return _Typed(Kind.BOOL, tree, t.Answered(arguments[0].node.question))
        if name == "age" and kinds == [Kind.PERSON]:
            return _Typed(Kind.YEARS, tree, person=arguments[0].person)
        if name == "reached" and kinds[:1] == [Kind.PERSON] and len(arguments) == 2:
            years = arguments[1].node.value if isinstance(arguments[1].node, t.Literal) else None
            if isinstance(years, int) and not isinstance(years, bool) and 0 <= years <= MAX_YEARS:
                assert arguments[0].person is not None
                return _Typed(Kind.BOOL, tree, t.AgeCompare(arguments[0].person, ">=", years))
        if name in LAW_TESTS and kinds == [Kind.PERSON]:
            assert arguments[0].person is not None
            return _Typed(Kind.BOOL, tree, t.LawTest(name, arguments[0].person))
        if name == "income_limit" and len(arguments) == 2:
            table = arguments[0].node.value if isinstance(arguments[0].node, t.Literal) else None
            if isinstance(table, str):
                self.tables.add(table)
                dependents = self.node(arguments[1], Kind.INT)
                return _Typed(Kind.INT, tree, t.IncomeLimit(table, dependents))
        raise self.refuse(tree, _USAGE[name])

    def unknown_function(self, name: str, *, method: bool) -> str:
        call = f".{name}()" if method else f"{name}()"
        if name in _STRING_FUNCTIONS:
            return f"string function {call} is not part of the rule language"
        if name in _DATE_FUNCTIONS:
            return (f"date function {call} is not part of the rule language: no arithmetic on "
                    "dates; use age(), reached(), late_elderly_age(), compulsory_school_age() "
                    "or child_allowance_age()")
        return f"unknown function {call}; functions: {_FUNCTIONS_HINT}, and over household: " \
               "exists, all, exists_one, filter(...).size(), size()"


_USAGE = {
    "has": "has() tests whether an answer is given: `has(answers.x)`",
    "age": "age() takes one person: `age(subject) >= 65`",
    "reached": f"reached() takes a person and a whole-number literal from 0 to {MAX_YEARS}: "
               "`reached(subject, 15)`",
    **{law: f"{law}() takes one person: `{law}(subject)`" for law in LAW_TESTS},
    "income_limit": "income_limit() takes a table id (a string literal) and a number of dependents: "
                    "`income_limit(\"single-parent-partial\", claimant.dependents)`",
}


def _bare_name(tree: Syntax) -> str | None:
    """The identifier an expression consists of, if it is nothing else."""
    node = tree
    while isinstance(node, Tree) and len(node.children) == 1:
        if node.data == "ident":
            return str(node.children[0])
        node = node.children[0]
    return None


def parse_rule(text: str) -> t.RuleTree:
    """Check a rule; raises RuleNotCompilable with every problem found."""
    try:
        parsed = CELParser().parse(text)
    except CELParseError as error:
        raise RuleNotCompilable(text, [f"syntax error at {error.line}:{error.column}: "
                                       f"{_syntax_problem(error)}"]) from None
    except LarkError as error:
        raise RuleNotCompilable(text, [f"syntax error: {str(error).splitlines()[0]}"]) from None
    checker = _Checker(text)
    try:
        root = checker.node(checker.visit(parsed), Kind.BOOL)
    except _Reported:
        root = None
    except _Refused as refused:
        checker.errors.append(str(refused))
        root = None
    if root is None or checker.errors:
        raise RuleNotCompilable(text, checker.errors)
    return t.RuleTree(text, root, dict(checker.answers), tuple(checker.persons),
                      frozenset(checker.tables), checker.reads_subject)


def _syntax_problem(error: CELParseError) -> str:
    """What the parser met, in words (lark's own message draws a picture over several lines)."""
    cause = error.__context__
    if isinstance(cause, UnexpectedToken):
        if cause.token.type == "$END":
            return "the rule ends too early"
        return f"unexpected `{cause.token}`"
    if isinstance(cause, UnexpectedCharacters):
        return f"unexpected character `{cause.char}`"
    return "not a CEL expression"
