"""A catalog file read as plain data, with the line of every value.

PyYAML's composer keeps each node's position; building the data from the
nodes ourselves lets every later check name the line it is about. Two YAML
habits are tightened on the way: a key given twice in one mapping is an error
(PyYAML would keep the last silently), and dates stay strings (``2025-01-01``)
so the schema, not the parser, decides what a date is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from madoguchi.catalog.errors import Problem

Path_ = tuple[str | int, ...]
"""Where a value sits in a document: mapping keys and sequence indexes from the root."""

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


# libyaml's loader where PyYAML was built with it: the pure-Python scanner is ten times slower.
_SafeLoader = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """The safe loader without the implicit timestamp type."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Document:
    file: str
    """The path inside the catalog folder, with ``/`` separators."""
    data: Any
    lines: Mapping[Path_, int]

    def line(self, path: Path_) -> int:
        """The line of the value at ``path``, or of its nearest ancestor that has one."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def problem(self, path: Path_, message: str) -> Problem:
        return Problem(self.file, self.line(path), message)


class _Builder:
    def __init__(self, loader: _Loader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.lines: dict[Path_, int] = {}
        self.problems: list[Problem] = []

    def build(self, node: Node, path: Path_) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node)

    def _mapping(self, node: MappingNode, path: Path_) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode):
                self.problems.append(Problem(self.file, line, "a key must be a plain name"))
                continue
            key = str(key_node.value)
            if key in result:
                self.problems.append(Problem(self.file, line, f"{key!r} is given twice"))
                continue
            self.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key))
        return result


def read_document(text: str, file: str) -> tuple[Document | None, list[Problem]]:
    """Parse one file's text; on a YAML error, no document and the error with its line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Problem(file, 1, "the file is empty")]
        builder = _Builder(loader, file)
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        return None, [Problem(file, line, f"YAML syntax: {exc.problem or exc.context}")]
    finally:
        loader.dispose()
    return Document(file, data, builder.lines), builder.problems
