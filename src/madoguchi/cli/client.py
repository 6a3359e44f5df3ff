"""`madoguchi client`: the internal systems allowed to call the data API."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from madoguchi.cli.common import (
    DbOption,
    JsonOption,
    open_catalog,
    open_engine,
    print_json,
    stderr,
)
from madoguchi.cli.person import OperatorOption, operator_actor, refuse
from madoguchi.db.engine import transaction
from madoguchi.errors import AppError
from madoguchi.registry.api_client import create_client, list_clients, revoke_client

app = typer.Typer(help="API clients: internal systems calling the data API.", no_args_is_help=True)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The client's name, e.g. the calling system.")],
    purposes: Annotated[list[str], typer.Option("--purpose", help="A purpose pattern it may name "
                                                "(repeat): 'procedure:*', 'review:保険年金課', 'audit'.")],
    department: Annotated[str | None, typer.Option("--department", help="The department it reads for.")] = None,
    operator: OperatorOption = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Register a client and print its token — shown this once only."""
    actor = operator_actor(operator)
    registry = open_catalog().purposes
    try:
        with transaction(open_engine(db)) as session:
            client, token = create_client(session, actor=actor, name=name, department=department,
                                          purposes=purposes, registry=registry)
    except AppError as error:
        refuse(error)
    if json_output:
        print_json({"name": client.name, "department": client.department, "purposes": client.purposes,
                    "token": token})
    else:
        stderr.print(f"client {client.name} added; its token, shown only now — give it to the system "
                     "and keep it secret:")
        sys.stdout.write(token + "\n")


@app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="The client's name.")],
           operator: OperatorOption = None, db: DbOption = None) -> None:
    """Revoke a client's token: its calls are refused from now on."""
    actor = operator_actor(operator)
    try:
        with transaction(open_engine(db)) as session:
            revoke_client(session, actor=actor, name=name)
    except AppError as error:
        refuse(error)
    stderr.print(f"client {name} revoked")


@app.command("list")
def list_(operator: OperatorOption = None, db: DbOption = None, json_output: JsonOption = False) -> None:
    """List the clients, their departments and purposes (never their tokens)."""
    actor = operator_actor(operator)
    with transaction(open_engine(db)) as session:
        clients = list_clients(session, actor=actor)
    if json_output:
        print_json([{"name": c.name, "department": c.department, "purposes": c.purposes,
                     "created_at": c.created_at, "created_by": c.created_by, "revoked_at": c.revoked_at}
                    for c in clients])
        return
    for c in clients:
        state = f"revoked {c.revoked_at:%Y-%m-%d %H:%M}" if c.revoked_at else "active"
        sys.stdout.write(f"{c.name}\t{c.department or '-'}\t{' '.join(c.purposes)}\t{state}\n")
