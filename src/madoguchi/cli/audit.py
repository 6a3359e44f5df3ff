"""`madoguchi audit`: verify the access log, seal a checkpoint, list who read a resident's data."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import IntegrityError

from madoguchi.cli.common import (
    EXIT_FAULTS,
    DbOption,
    JsonOption,
    fail,
    open_catalog,
    open_engine,
    print_json,
    stderr,
)
from madoguchi.cli.person import OperatorOption, operator_actor, refuse
from madoguchi.db.engine import transaction
from madoguchi.errors import AppError
from madoguchi.registry.audit import verify_log
from madoguchi.registry.checkpoint import seal_checkpoint
from madoguchi.registry.service import list_access
from madoguchi.settings import get_settings
from madoguchi.vault import load_vault

app = typer.Typer(help="The access log: verification, checkpoints, listings.", no_args_is_help=True)


@app.command("verify")
def verify(db: DbOption = None, json_output: JsonOption = False) -> None:
    """Recompute every chain and check every signed checkpoint; exit 1 naming the first broken entry."""
    key = load_vault(get_settings().keys_file).verify_key
    with transaction(open_engine(db)) as session:
        result = verify_log(session, key)
    if json_output:
        print_json({"ok": result.ok, "chains": result.chains, "entries": result.entries,
                    "checkpoints": result.checkpoints,
                    "first_problem": asdict(result.first_problem) if result.first_problem else None,
                    "problems": [asdict(p) for p in result.problems]})
    else:
        counts = f"{result.chains} chains, {result.entries} entries, {result.checkpoints} checkpoints"
        if result.first_problem is None:
            sys.stdout.write(f"intact: {counts}\n")
        else:
            sys.stdout.write(f"BROKEN: {result.first_problem.describe()}\n"
                             f"({len(result.problems)} problems shown; {counts})\n")
    if not result.ok:
        raise typer.Exit(EXIT_FAULTS)


@app.command("checkpoint")
def checkpoint(db: DbOption = None, json_output: JsonOption = False) -> None:
    """Seal the chain heads that moved since the last checkpoint, now."""
    vault = load_vault(get_settings().keys_file)
    try:
        with transaction(open_engine(db)) as session:
            sealed = seal_checkpoint(session, vault=vault)
            number = sealed.number if sealed is not None else None
    except IntegrityError:
        fail("another process sealed a checkpoint at the same moment; run it again", EXIT_FAULTS)
    if json_output:
        print_json({"checkpoint": number})
    elif number is None:
        stderr.print("nothing to seal: no chain moved since the last checkpoint")
    else:
        sys.stdout.write(f"sealed checkpoint {number}\n")


@app.command("log")
def log(
    atena_number: Annotated[str, typer.Argument(help="The resident's 宛名番号.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="How many entries, newest first.")] = 50,
    operator: OperatorOption = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """List who read a resident's data, newest first (purpose audit; the listing is logged too)."""
    actor = operator_actor(operator)
    purposes = open_catalog().purposes
    try:
        with transaction(open_engine(db)) as session:
            listing = list_access(session, actor=actor, atena_number=atena_number, purpose="audit",
                                  purposes=purposes, limit=limit)
    except AppError as error:
        refuse(error)
    if json_output:
        print_json(listing.model_dump(mode="json"))
        return
    table = Table(title=f"access to 宛名番号 {atena_number}", title_justify="left")
    for column in ("#", "when", "who", "purpose", "items"):
        table.add_column(column, overflow="fold")
    for e in listing.entries:
        who = " ".join(part for part in (e.actor_kind, e.actor_id, e.department) if part)
        table.add_row(str(e.seq), f"{e.recorded_at:%Y-%m-%d %H:%M:%S}", who, e.purpose, ", ".join(e.items))
    Console(file=sys.stdout, highlight=False).print(table)
