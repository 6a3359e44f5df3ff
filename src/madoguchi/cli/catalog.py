"""`madoguchi catalog`: check the catalog's definitions, list its life events and procedures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from madoguchi.catalog.errors import CatalogFolderMissing, CatalogInvalid, Problem
from madoguchi.catalog.loader import catalog_folder, check_folder, load_catalog
from madoguchi.catalog.models import Catalog
from madoguchi.cli.common import EXIT_FAULTS, EXIT_USAGE, JsonOption, fail, print_json, stderr

app = typer.Typer(help="The catalog of life events and procedures.", no_args_is_help=True)

FolderArgument = Annotated[
    Path | None,
    typer.Argument(help="Catalog folder (default: MADOGUCHI_CATALOG or the shipped catalog).",
                   show_default=False),
]


@app.command("check")
def check(folder: FolderArgument = None, as_json: JsonOption = False) -> None:
    """Validate every definition; exit 1 listing every error as file:line: message."""
    path = catalog_folder(folder)
    try:
        problems = check_folder(path)
    except CatalogFolderMissing as exc:
        fail(exc.detail, EXIT_USAGE)
    if as_json:
        print_json({"folder": str(path), "ok": not problems, "errors": [_problem(p) for p in problems]})
    else:
        for problem in problems:
            typer.echo(str(problem))
        count = len(problems)
        stderr.print(f"{count} error{'s' if count != 1 else ''} in {path}" if problems else f"catalog OK: {path}",
                     highlight=False)
    if problems:
        raise typer.Exit(EXIT_FAULTS)


@app.command("list")
def list_catalog(folder: FolderArgument = None, as_json: JsonOption = False) -> None:
    """List the life events with their question ids, and the procedures with their department."""
    try:
        catalog = load_catalog(folder)
    except CatalogFolderMissing as exc:
        fail(exc.detail, EXIT_USAGE)
    except CatalogInvalid as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        fail(f"the catalog has errors: run `madoguchi catalog check` ({len(exc.problems)})", EXIT_FAULTS)
    if as_json:
        print_json(_listing(catalog))
        return
    _print_listing(catalog)


def _problem(problem: Problem) -> dict[str, Any]:
    return {"file": problem.file, "line": problem.line, "message": problem.message}


def _listing(catalog: Catalog) -> dict[str, Any]:
    return {
        "events": [
            {"id": e.id, "name": e.name.model_dump(), "questions": [q.id for q in e.questions],
             "procedures": list(dict.fromkeys(entry.procedure for entry in e.entries))}
            for e in catalog.events.values()
        ],
        "procedures": [
            {"id": p.id, "name": p.name.model_dump(), "department": p.department,
             "department_name": catalog.department(p.department).name.model_dump()}
            for p in catalog.procedures.values()
        ],
    }


def _print_listing(catalog: Catalog) -> None:
    console = Console()
    events = Table(title="Life events", show_lines=False)
    for column in ("id", "name", "questions"):
        events.add_column(column)
    for event in catalog.events.values():
        events.add_row(event.id, event.name.ja, ", ".join(q.id for q in event.questions))
    procedures = Table(title="Procedures")
    for column in ("id", "name", "department"):
        procedures.add_column(column)
    for procedure in catalog.procedures.values():
        procedures.add_row(procedure.id, procedure.name.ja, catalog.department(procedure.department).name.ja)
    console.print(events)
    console.print(procedures)
