"""`madoguchi person show`: the purpose-bound view of one person, as the data API gives it (a logged read)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from madoguchi.actor import Actor
from madoguchi.cli.common import (
    EXIT_FAULTS,
    EXIT_USAGE,
    DbOption,
    JsonOption,
    fail,
    open_catalog,
    open_engine,
    print_json,
)
from madoguchi.db.engine import transaction
from madoguchi.errors import AppError
from madoguchi.registry.items import HOUSEHOLD
from madoguchi.registry.schemas import PersonView
from madoguchi.registry.service import view_person
from madoguchi.settings import get_settings
from madoguchi.vault import load_vault

app = typer.Typer(help="Residents in the hub, read for a purpose.", no_args_is_help=True)

OperatorOption = Annotated[str | None, typer.Option(
    "--operator", envvar="USER", help="Who is reading (recorded in the access log); default: $USER.")]


def refuse(error: AppError) -> NoReturn:
    """Stop with the error's detail: exit 2 for a request that cannot be understood, 1 for a refused one."""
    fail(error.detail, EXIT_USAGE if error.status in (400, 422) else EXIT_FAULTS)


def operator_actor(operator: str | None) -> Actor:
    if not operator:
        fail("name who is reading with --operator (it goes into the access log)", EXIT_USAGE)
    return Actor.operator(operator)


@app.command("show")
def show(
    atena_number: Annotated[str, typer.Argument(help="The person's 宛名番号.")],
    purpose: Annotated[str, typer.Option("--purpose", help="Why: self-view, procedure:<id>, review:<dept>, …")],
    as_of: Annotated[datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"],
                                                   help="The values valid on this date.")] = None,
    operator: OperatorOption = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Show one person's items allowed by the purpose, with their source and dates (logged)."""
    settings = get_settings()
    actor = operator_actor(operator)
    purposes = open_catalog().purposes
    try:
        with transaction(open_engine(db)) as session:
            view = view_person(session, actor=actor, atena_number=atena_number, purpose=purpose,
                               purposes=purposes, vault=load_vault(settings.keys_file),
                               as_of=as_of.date() if as_of else None)
    except AppError as error:
        refuse(error)
    if json_output:
        print_json({**plain(view), "purpose": view.purpose, "as_of": view.as_of,
                    "sources": {name: item.model_dump(mode="json", exclude={"value"})
                                for name, item in view.items.items()}})
    else:
        print_view(view)


def plain(view: PersonView) -> dict[str, Any]:
    """``{"atena_number", "items": {name: value}}``, household members likewise."""
    items: dict[str, Any] = {name: item.value for name, item in view.items.items()}
    if isinstance(items.get(HOUSEHOLD), list):
        items[HOUSEHOLD] = [plain(PersonView.model_validate(m)) for m in items[HOUSEHOLD]]
    return {"atena_number": view.atena_number, "items": items}


def print_view(view: PersonView) -> None:
    console = Console(file=sys.stdout, highlight=False)
    when = f", values of {view.as_of}" if view.as_of else ""
    table = Table(title=f"宛名番号 {view.atena_number} — purpose {view.purpose}{when}", title_justify="left")
    for column in ("item", "value", "source", "as of", "since"):
        table.add_column(column, overflow="fold")
    for name, item in view.items.items():
        value = item.value
        if name == HOUSEHOLD and isinstance(value, list):
            shown = "\n".join(_member_line(PersonView.model_validate(m)) for m in value) or "—"
        else:
            shown = "—" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        table.add_row(name, shown, item.source, str(item.as_of or "—"), str(item.since or "—"))
    console.print(table)


def _member_line(member: PersonView) -> str:
    names = " ".join(str(member.items[n].value) for n in ("family_name", "given_name") if n in member.items)
    return f"{member.atena_number} {names}".strip()
