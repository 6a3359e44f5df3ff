"""`madoguchi import DIR` and `madoguchi quarantine list`: export sets into the hub, and what it refused."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from madoguchi.cli.common import (
    EXIT_USAGE,
    DbOption,
    JsonOption,
    fail,
    open_engine,
    print_json,
    stderr,
)
from madoguchi.db.engine import transaction
from madoguchi.identifiers import numbering_scheme
from madoguchi.settings import get_settings
from madoguchi.sources import importer
from madoguchi.sources.errors import ImportRefused
from madoguchi.sources.quarantine import list_quarantined_rows
from madoguchi.sources.report import ImportReport
from madoguchi.vault import load_vault

quarantine_app = typer.Typer(help="Rows the hub refused on import.", no_args_is_help=True)

COUNTS = ("read", "imported", "replaced", "unchanged", "ended", "superseded", "quarantined")


def import_set(
    folder: Annotated[Path, typer.Argument(help="The export set: a folder with manifest.json and CSV files.")],
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Import a full or delta export set; report per file what was read, imported, unchanged, ended, quarantined."""
    settings = get_settings()
    engine = open_engine(db)
    try:
        with _progress_bar() as progress:
            report = importer.import_set(engine, folder, vault=load_vault(settings.keys_file),
                                         scheme=numbering_scheme(settings.atena_scheme), progress=progress)
    except ImportRefused as exc:
        fail(f"{exc.detail}. Nothing was imported.", EXIT_USAGE)
    finally:
        engine.dispose()
    if json_output:
        print_json(report.to_json())
    else:
        _print_report(report)


@contextmanager
def _progress_bar() -> Iterator[importer.Progress]:
    """Rows read per file, on stderr."""
    columns = (TextColumn("{task.description:<20}"), BarColumn(),
               TextColumn("{task.completed:>12,} rows"), TimeElapsedColumn())
    with Progress(*columns, console=stderr, transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def advance(file: str, rows: int) -> None:
            if file not in tasks:
                tasks[file] = bar.add_task(file, total=None)
            bar.update(tasks[file], completed=rows)

        yield advance


def _print_report(report: ImportReport) -> None:
    table = Table(title=f"{report.kind} set of {report.municipality_name} ({report.municipality_code}) "
                        f"as of {report.extracted_at.date().isoformat()}: import {report.import_id}")
    table.add_column("file", no_wrap=True)
    for name in COUNTS:
        table.add_column(name, justify="right")
    for file, counts in report.files.items():
        table.add_row(file if counts.present else f"{file}*", *(f"{getattr(counts, name):,}" for name in COUNTS),
                      style=None if counts.present else "dim")
    if not all(counts.present for counts in report.files.values()):
        table.caption = "* not in the set: the system has no records any more"
    Console().print(table)
    if report.quarantined:
        stderr.print(f"{report.quarantined:,} rows were quarantined: see `madoguchi quarantine list "
                     f"--import {report.import_id}`.", highlight=False)
    if report.ignored_files:
        stderr.print(f"not part of the layout, ignored: {', '.join(report.ignored_files)}", highlight=False)


@quarantine_app.command("list")
def list_rows(
    db: DbOption = None,
    json_output: JsonOption = False,
    import_id: Annotated[int | None, typer.Option("--import", help="Only the rows of this import run.")] = None,
) -> None:
    """List the quarantined rows: file, line, reason and text (My Number and account masked)."""
    engine = open_engine(db)
    try:
        with transaction(engine) as session:
            entries = list_quarantined_rows(session, vault=load_vault(get_settings().keys_file),
                                            import_id=import_id)
    finally:
        engine.dispose()
    if json_output:
        print_json([entry.to_json() for entry in entries])
        return
    console = Console()
    for entry in entries:
        console.print(Text(f"{entry.file}:{entry.line} (import {entry.import_id})  {entry.reason}"))
        console.print(Text(f"    {entry.raw}", style="dim"))
    stderr.print(f"{len(entries):,} quarantined rows", highlight=False)
