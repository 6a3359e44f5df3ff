"""What every command shares: the --db and --json options, output and exit codes."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from sqlalchemy import Engine

from madoguchi.catalog.directory import ServingCatalog, serving_catalog
from madoguchi.catalog.errors import CatalogInvalid
from madoguchi.db.engine import make_engine
from madoguchi.errors import AppError
from madoguchi.registry.purpose import PurposesInvalid
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


def open_catalog() -> ServingCatalog:
    """The configured catalog and its purposes, loaded now: a broken catalog stops before any read."""
    try:
        serving = serving_catalog(get_settings().catalog)
        serving.store.current  # noqa: B018 -- load it now: a broken catalog stops before any read
    except (CatalogInvalid, PurposesInvalid) as error:
        fail(f"the catalog cannot be used: {error}; run `madoguchi catalog check`", EXIT_FAULTS)
    except AppError as error:
        fail(error.detail, EXIT_USAGE)
    return serving
