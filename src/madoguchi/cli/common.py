"""What every command shares: the --db and --json options, output and exit codes."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from sqlalchemy import Engine

from madoguchi.db.engine import make_engine
from madoguchi.settings import get_settings

EXIT_FAULTS = 1
EXIT_USAGE = 2

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: MADOGUCHI_DATABASE_URL or the SQLite file)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]

stderr = Console(stderr=True)


def database_url(db: str | None) -> str:
    return db or get_settings().database_url


def open_engine(db: str | None) -> Engine:
    return make_engine(database_url(db))


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Say what is wrong on stderr and stop with the exit code (never a traceback)."""
    stderr.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)
