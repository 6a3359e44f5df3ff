"""What can go wrong with the catalog: a definition that does not hold, or a lookup that finds nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from madoguchi.errors import AppError


@dataclass(frozen=True, order=True)
class Problem:
    """One fault in a catalog file, where an editor can jump to it."""

    file: str
    """The file's path inside the catalog folder, with ``/`` separators."""
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class CatalogInvalid(AppError):
    """The folder does not load; ``problems`` lists every fault found, in file and line order."""

    status = 422
    type = "catalog-invalid"
    title = "The catalog has errors"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in the catalog: "
                         + "; ".join(str(p) for p in self.problems[:3])
                         + (" …" if count > 3 else ""))


class CatalogFolderMissing(AppError):
    status = 404
    type = "catalog-folder-missing"
    title = "No such catalog folder"


class EventNotFound(AppError):
    status = 404
    type = "event-not-found"
    title = "No such life event"


class ProcedureNotFound(AppError):
    status = 404
    type = "procedure-not-found"
    title = "No such procedure"


class DepartmentNotFound(AppError):
    status = 404
    type = "department-not-found"
    title = "No such department"


class TableNotFound(AppError):
    status = 404
    type = "table-not-found"
    title = "No such table"


class DeadlineNeedsAnswer(AppError):
    """A deadline counted from an answer (e.g. the funeral date) that has not been given."""

    status = 422
    type = "deadline-needs-answer"
    title = "The deadline needs an answer"

    def __init__(self, question: str) -> None:
        self.question = question
        super().__init__(f"the deadline is counted from the answer {question!r}, which is not given")
