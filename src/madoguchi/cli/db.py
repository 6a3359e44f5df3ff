"""`madoguchi db`: the database schema."""

from __future__ import annotations

import typer

from madoguchi.cli.common import DbOption, database_url, open_engine, stderr
from madoguchi.db.migrate import upgrade as upgrade_schema

app = typer.Typer(help="The database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(db: DbOption = None) -> None:
    """Apply every migration not yet applied."""
    upgrade_schema(open_engine(db))
    stderr.print(f"schema up to date: {database_url(db).split('@')[-1]}")
