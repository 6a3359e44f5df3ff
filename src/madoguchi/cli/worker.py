"""`madoguchi worker`, `madoguchi delivery` and `madoguchi target`: delivery to the departments."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import uuid
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import DBAPIError

from madoguchi import clock
from madoguchi.catalog.loader import load_catalog
from madoguchi.cli.common import (
    EXIT_FAULTS,
    EXIT_USAGE,
    DbOption,
    JsonOption,
    fail,
    open_engine,
    print_json,
)
from madoguchi.cli.person import OperatorOption, operator_actor, refuse
from madoguchi.db.engine import transaction
from madoguchi.errors import AppError
from madoguchi.intake.channels import channels
from madoguchi.intake.delivery_models import DeliveryStatus
from madoguchi.intake.delivery_settings import get_delivery_settings
from madoguchi.intake.outbox import (
    list_deliveries,
    replay_dead_letters,
    replay_delivery,
    show_delivery,
)
from madoguchi.intake.targets import Target, list_targets, set_target
from madoguchi.intake.worker import run_workers
from madoguchi.settings import get_settings

delivery_app = typer.Typer(help="Deliveries to the departments: list, history, replay.", no_args_is_help=True)
target_app = typer.Typer(help="Where each department's applications are delivered.", no_args_is_help=True)

DeliveryIdArgument = Annotated[str, typer.Argument(help="The delivery id (a UUID).")]


def worker(
    once: Annotated[bool, typer.Option("--once", help="Attempt what is due now, then exit.")] = False,
    poll: Annotated[float | None, typer.Option("--poll", min=0.01, help="Seconds between looks when idle "
                                                "(default: MADOGUCHI_DELIVERY_POLL_SECONDS or 1).")] = None,
    threads: Annotated[int | None, typer.Option("--threads", min=1, help="Workers in this process "
                                                "(default: MADOGUCHI_DELIVERY_THREADS or 4).")] = None,
    db: DbOption = None,
) -> None:
    """Deliver applications to the departments' targets until stopped (SIGTERM or Ctrl-C: after the current one)."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request, with the target's URL
    settings = get_delivery_settings()
    if poll is not None:
        settings = settings.model_copy(update={"poll_seconds": poll})
    engine = open_engine(db)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    try:
        run_workers(engine, stop=stop, threads=threads or settings.threads, once=once, settings=settings)
    except DBAPIError as error:
        fail(f"the database is unavailable ({type(error).__name__})", EXIT_FAULTS)
    finally:
        channels.close()
        engine.dispose()


@delivery_app.command("list")
def list_command(
    status: Annotated[DeliveryStatus | None, typer.Option("--status", help="Only deliveries of this status.")] = None,
    department: Annotated[str | None, typer.Option("--department", help="Only this department's.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="How many, newest first.")] = 100,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """List deliveries, newest first, with their status and last error."""
    with transaction(open_engine(db)) as session:
        rows = list_deliveries(session, status=status, department=department, limit=limit)
    if json_output:
        print_json([row.to_json() for row in rows])
        return
    table = Table(title="deliveries", title_justify="left")
    for column in ("delivery id", "department", "kind", "status", "attempts", "next / delivered", "last error"):
        table.add_column(column, overflow="fold")
    for row in rows:
        moment = row.next_attempt_at or row.delivered_at
        table.add_row(str(row.delivery_id), row.department, row.kind, row.status, str(row.attempts),
                      f"{moment.astimezone(clock.TOKYO):%Y-%m-%d %H:%M:%S}" if moment else "", row.last_error or "")
    Console(file=sys.stdout, highlight=False).print(table)


@delivery_app.command("show")
def show(delivery_id: DeliveryIdArgument, db: DbOption = None, json_output: JsonOption = False) -> None:
    """Show one delivery and its history: every attempt with its outcome, and every replay."""
    wanted = _uuid(delivery_id)
    try:
        with transaction(open_engine(db)) as session:
            detail = show_delivery(session, delivery_id=wanted)
    except AppError as error:
        refuse(error)
    if json_output:
        print_json(detail.to_json())
        return
    summary = detail.summary
    sys.stdout.write(f"{summary.delivery_id} to {summary.department} ({summary.kind}): {summary.status}\n")
    table = Table(title_justify="left")
    for column in ("when", "event", "#", "outcome", "channel", "HTTP", "error / next attempt", "by"):
        table.add_column(column, overflow="fold")
    for e in detail.history:
        note = e.error or ""
        if e.next_attempt_at is not None:
            note += f" → next {e.next_attempt_at.astimezone(clock.TOKYO):%Y-%m-%d %H:%M:%S}"
        table.add_row(f"{e.at.astimezone(clock.TOKYO):%Y-%m-%d %H:%M:%S}", e.event, str(e.attempt or ""), e.outcome or "",
                      e.channel or "", str(e.http_status or ""), note, e.actor)
    Console(file=sys.stdout, highlight=False).print(table)


@delivery_app.command("replay")
def replay(
    delivery_id: Annotated[str | None, typer.Argument(help="The delivery id (a UUID).")] = None,
    dead: Annotated[bool, typer.Option("--dead", help="Replay every dead-lettered delivery.")] = False,
    department: Annotated[str | None, typer.Option("--department", help="With --dead: only this department's.")
                          ] = None,
    operator: OperatorOption = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Send a dead-lettered or delivered delivery again, with the same delivery id (or --dead: all dead ones)."""
    if (delivery_id is None) == (not dead):
        fail("name one delivery id, or --dead for every dead-lettered delivery")
    actor = operator_actor(operator)
    try:
        with transaction(open_engine(db)) as session:
            if delivery_id is not None:
                replayed = [replay_delivery(session, actor=actor, delivery_id=_uuid(delivery_id)).delivery_id]
            else:
                replayed = replay_dead_letters(session, actor=actor, department=department)
    except AppError as error:
        refuse(error)
    if json_output:
        print_json({"replayed": [str(d) for d in replayed]})
    else:
        sys.stdout.write(f"replayed {len(replayed)} deliveries; a worker sends them now\n")


@target_app.command("set")
def set_command(
    department: Annotated[str, typer.Argument(help="The department id of the catalog (e.g. child-support).")],
    http: Annotated[str | None, typer.Option("--http", help="POST each delivery to this URL.")] = None,
    secret_env: Annotated[str | None, typer.Option(
        "--secret-env", help="With --http: sign with the secret in this environment variable of the workers.")
                          ] = None,
    folder: Annotated[Path | None, typer.Option("--file", help="Drop each delivery as a file in this folder.")
                      ] = None,
    inbox: Annotated[bool, typer.Option("--inbox", help="The department works in the city's back office.")
                     ] = False,
    operator: OperatorOption = None,
    db: DbOption = None,
) -> None:
    """Set where a department's applications are delivered: --http URL, --file DIR or --inbox."""
    if sum((http is not None, folder is not None, inbox)) != 1:
        fail("choose exactly one of --http URL, --file DIR, --inbox")
    if secret_env is not None and http is None:
        fail("--secret-env goes with --http")
    actor = operator_actor(operator)
    if http is not None:
        target = Target(department, "http", http, secret_env)
    elif folder is not None:
        target = Target(department, "file", str(folder.expanduser().resolve()))
    else:
        target = Target(department, "inbox")
    try:
        load_catalog(get_settings().catalog).department(department)
        with transaction(open_engine(db)) as session:
            set_target(session, actor=actor, target=target)
    except AppError as error:
        refuse(error)
    sys.stdout.write(f"{department}: {_describe(target)}\n")


@target_app.command("list")
def list_target_command(db: DbOption = None, json_output: JsonOption = False) -> None:
    """List the configured targets (a department not listed gets the inbox)."""
    with transaction(open_engine(db)) as session:
        configured = list_targets(session)
    if json_output:
        print_json([{"department": c.target.department, "channel": c.target.channel, "address": c.target.address,
                     "secret_env": c.target.secret_env, "updated_at": c.updated_at.isoformat(),
                     "updated_by": c.updated_by} for c in configured])
        return
    table = Table(title="delivery targets (a department not listed gets the inbox)", title_justify="left")
    for column in ("department", "target", "updated"):
        table.add_column(column, overflow="fold")
    for c in configured:
        table.add_row(c.target.department, _describe(c.target),
                      f"{c.updated_at.astimezone(clock.TOKYO):%Y-%m-%d %H:%M} by {c.updated_by}")
    Console(file=sys.stdout, highlight=False).print(table)


def _describe(target: Target) -> str:
    if target.channel == "http":
        signed = f", signed with ${target.secret_env}" if target.secret_env else ", unsigned"
        return f"http {target.address}{signed}"
    if target.channel == "file":
        return f"file drop in {target.address}"
    return target.channel


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        fail(f"not a delivery id: {text!r} (a UUID)", EXIT_USAGE)
