"""Loading a catalog folder: every file parsed, checked against the schema, then across files.

A folder holds ``departments.yaml``, ``calendar.yaml``, ``tables.yaml``,
``certificates.yaml``, one ``procedures/<id>.yaml`` per procedure and one
``events/<id>.yaml`` per life event (``purposes.yaml``, the purpose registry,
is read by ``madoguchi.registry.purpose``). Checking goes on past the first
fault: ``check_folder`` returns every problem, ``load_catalog`` refuses a
folder that has any.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from madoguchi.catalog.crosscheck import Folder, cross_problems
from madoguchi.catalog.document import Document, read_document
from madoguchi.catalog.errors import CatalogFolderMissing, CatalogInvalid, Problem
from madoguchi.catalog.models import (
    Catalog,
    CertificateKind,
    Department,
    Event,
    OfficeCalendar,
    Procedure,
    Table,
)
from madoguchi.catalog.validation import FileKind, schema_problems
from madoguchi.registry.purpose import shipped_catalog
from madoguchi.settings import get_settings

SINGLE_FILES: dict[str, FileKind] = {
    "departments.yaml": "departments",
    "calendar.yaml": "calendar",
    "tables.yaml": "tables",
    "certificates.yaml": "certificates",
}
DEFINITION_FOLDERS: dict[str, FileKind] = {"procedures": "procedure", "events": "event"}
KNOWN_IDS: dict[FileKind, tuple[str, str]] = {
    "departments": ("departments", "department"),
    "tables": ("tables", "table"),
    "certificates": ("certificates", "certificate"),
}
"""For the files that list things: the list's key, and what ``Folder.known`` calls its ids."""


def catalog_folder(folder: Path | None = None) -> Path:
    """The folder to load: the one given, else ``MADOGUCHI_CATALOG``, else the shipped catalog."""
    return folder or get_settings().catalog or shipped_catalog()


def check_folder(folder: Path) -> list[Problem]:
    """Every problem of the catalog in ``folder``, sorted by file and line; empty when it is clean.

    Raises CatalogFolderMissing when there is no such folder.
    """
    return sorted(_read(folder)[1])


def load_catalog(folder: Path | None = None) -> Catalog:
    """The catalog in ``folder`` (default: ``catalog_folder()``).

    Raises CatalogInvalid listing every problem, CatalogFolderMissing.
    """
    folder = catalog_folder(folder)
    parsed, problems = _read(folder)
    if problems:
        raise CatalogInvalid(problems)
    return _build(folder, parsed)


def _read(folder: Path) -> tuple[Folder, list[Problem]]:
    if not folder.is_dir():
        raise CatalogFolderMissing(f"no catalog folder at {folder}")
    parsed = Folder()
    problems: list[Problem] = []
    for name, kind in SINGLE_FILES.items():
        if not (folder / name).is_file():
            problems.append(Problem(name, 1, "missing: every catalog has this file"))
            continue
        doc, valid, found = _read_file(folder / name, name, kind, parsed)
        problems += found
        if doc is not None and valid:
            setattr(parsed, kind, doc)
    for sub, kind in DEFINITION_FOLDERS.items():
        for path in sorted((folder / sub).iterdir()) if (folder / sub).is_dir() else []:
            if path.name.startswith("."):
                continue
            file = f"{sub}/{path.name}"
            if path.suffix != ".yaml" or not path.is_file():
                problems.append(Problem(file, 1, f"not a catalog file: {sub}/ holds <id>.yaml files"))
                continue
            if kind == "procedure":  # known by its file name even when the file does not parse
                parsed.known["procedure"].add(path.stem)
            doc, valid, found = _read_file(path, file, kind, parsed)
            problems += found
            if doc is not None and valid:
                getattr(parsed, f"{kind}s").setdefault(doc.data["id"], doc)
    problems += cross_problems(parsed)
    return parsed, problems


def _read_file(path: Path, file: str, kind: FileKind,
               parsed: Folder) -> tuple[Document | None, bool, list[Problem]]:
    """The document, whether it passed the schema, and its problems; records the ids it defines."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, False, [Problem(file, 1, "not UTF-8 text")]
    doc, problems, valid = _checked_document(text, file, kind)
    if doc is not None:
        _record_ids(parsed, kind, doc.data)
    return doc, valid, list(problems)


@lru_cache(maxsize=1024)
def _checked_document(text: str, file: str,
                      kind: FileKind) -> tuple[Document | None, tuple[Problem, ...], bool]:
    """Parse and schema-check one file's text, remembered: a reload re-checks only changed files."""
    doc, problems = read_document(text, file)
    if doc is None:
        return None, tuple(problems), False
    schema = schema_problems(doc, kind)
    return doc, (*problems, *schema), not problems and not schema


def _record_ids(parsed: Folder, kind: FileKind, data: Any) -> None:
    """Note the ids a file defines, even a file that fails the schema (see ``Folder.known``)."""
    if not isinstance(data, dict):
        return
    if kind == "procedure" and isinstance(data.get("id"), str):
        parsed.known["procedure"].add(data["id"])
    if kind in KNOWN_IDS:
        list_key, known = KNOWN_IDS[kind]
        entries = data.get(list_key)
        if isinstance(entries, list):
            parsed.known[known] |= {e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)}


def _build(folder: Path, parsed: Folder) -> Catalog:
    """The models of a folder that passed every check (so every single file is there)."""
    assert parsed.departments and parsed.calendar and parsed.tables and parsed.certificates
    return Catalog(
        folder=folder,
        departments={d["id"]: Department.model_validate(d) for d in parsed.departments.data["departments"]},
        calendar=OfficeCalendar.model_validate(parsed.calendar.data),
        tables={t["id"]: Table.model_validate(t) for t in parsed.tables.data["tables"]},
        certificates={c["id"]: CertificateKind.model_validate(c)
                      for c in parsed.certificates.data["certificates"]},
        procedures={pid: Procedure.model_validate(doc.data) for pid, doc in parsed.procedures.items()},
        events={eid: Event.model_validate(doc.data) for eid, doc in parsed.events.items()},
    )
