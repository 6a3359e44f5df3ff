"""`madoguchi plan`, `prefill` and `screen`: the navigator, a prefilled form, a screening of the population.

They read as an operator (``--operator``, recorded in the access log), each in
one transaction: bad input stops with exit 2 and a message naming what is
wrong, and nothing is written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pydantic import JsonValue
from rich.console import Console
from rich.table import Table

from madoguchi import clock
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
from madoguchi.cli.person import OperatorOption, operator_actor
from madoguchi.db.engine import transaction
from madoguchi.errors import AppError
from madoguchi.guidance.language import Lang
from madoguchi.guidance.schemas import Plan
from madoguchi.guidance.screening import screen_event
from madoguchi.guidance.service import plan_event
from madoguchi.prefill.schemas import FilledForm
from madoguchi.prefill.service import prefill_form
from madoguchi.settings import get_settings
from madoguchi.vault import load_vault

ApplicantArgument = Annotated[str, typer.Argument(
    help="The applicant's 宛名番号, or - for a move-in by people not in the hub yet.")]
EventOption = Annotated[str, typer.Option("--event", help="The life event: birth, death, move-in, …")]
DateOption = Annotated[datetime | None, typer.Option(
    "--date", formats=["%Y-%m-%d"], help="The event's date (YYYY-MM-DD); default: today (Asia/Tokyo).")]
AnswersOption = Annotated[Path | None, typer.Option(
    "--answers", help="A JSON object of the event's answers by question id (see `madoguchi catalog list`).")]
LangOption = Annotated[str, typer.Option("--lang", help="ja or en: the language of names and reasons.")]


def plan(applicant: ApplicantArgument, event: EventOption, date_: DateOption = None,
         answers: AnswersOption = None, lang: LangOption = "ja", operator: OperatorOption = None,
         db: DbOption = None, json_output: JsonOption = False) -> None:
    """List every procedure the life event leads to, with subject, department, deadline and reason."""
    actor, serving, given, chosen = operator_actor(operator), open_catalog(), _answers(answers), _lang(lang)
    with _refusing(), transaction(open_engine(db)) as session:
        result = plan_event(session, actor=actor, catalog=serving.store.current, purposes=serving.purposes,
                            vault=load_vault(get_settings().keys_file), event_id=event,
                            applicant=applicant, event_date=_day(date_), answers=given, lang=chosen)
    if json_output:
        print_json(result.model_dump(mode="json"))
    else:
        _print_plan(result)


def prefill(applicant: ApplicantArgument, event: EventOption,
            procedure: Annotated[str, typer.Option("--procedure", help="The procedure whose form to fill.")],
            subject: Annotated[str | None, typer.Option(
                "--subject", help="Whom the form is about: a 宛名番号, newborn, mover:N or spouse; "
                                  "default: the procedure's only subject in the event.")] = None,
            date_: DateOption = None, answers: AnswersOption = None, lang: LangOption = "ja",
            operator: OperatorOption = None, db: DbOption = None, json_output: JsonOption = False) -> None:
    """Fill every field of a procedure's form: value, source and as-of date, or why the resident types it."""
    actor, serving, given, chosen = operator_actor(operator), open_catalog(), _answers(answers), _lang(lang)
    with _refusing(), transaction(open_engine(db)) as session:
        form = prefill_form(session, actor=actor, catalog=serving.store.current, purposes=serving.purposes,
                            vault=load_vault(get_settings().keys_file), event_id=event,
                            procedure_id=procedure, applicant=applicant, subject=subject,
                            event_date=_day(date_), answers=given, lang=chosen)
    if json_output:
        print_json(form.model_dump(mode="json"))
    else:
        _print_form(form)


def screen(event: EventOption,
           procedure: Annotated[str, typer.Option("--procedure", help="The procedure to screen for.")],
           date_: DateOption = None, answers: AnswersOption = None, operator: OperatorOption = None,
           db: DbOption = None, json_output: JsonOption = False) -> None:
    """List every resident the procedure would apply to as the event's applicant, found in the database."""
    actor, serving, given, day = operator_actor(operator), open_catalog(), _answers(answers), _day(date_)
    with _refusing(), transaction(open_engine(db)) as session:
        found = screen_event(session, actor=actor, catalog=serving.store.current, purposes=serving.purposes,
                             event_id=event, procedure_id=procedure, event_date=day, answers=given)
    if json_output:
        print_json({"event": event, "procedure": procedure, "date": day.isoformat(), "count": len(found),
                    "atena_numbers": found})
    else:
        typer.echo("\n".join(found))
        Console(stderr=True).print(f"{len(found)} residents: {procedure} in {event} on {day}", highlight=False)


@contextmanager
def _refusing() -> Iterator[None]:
    """Turn the services' refusals into a message and an exit code: 2 for bad input, 1 for a refusal."""
    try:
        yield
    except AppError as error:
        _refuse(error)


def _refuse(error: AppError) -> NoReturn:
    fail(error.detail, EXIT_FAULTS if error.status in (401, 403) or error.status >= 500 else EXIT_USAGE)


def _answers(path: Path | None) -> dict[str, JsonValue]:
    if path is None:
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        fail(f"cannot read the answers file {path}: {error.strerror}")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"the answers file {path} is not JSON: {error}")
    if not isinstance(document, dict):
        fail(f"the answers file {path} must hold a JSON object of answers by question id")
    return document


def _lang(lang: str) -> Lang:
    if lang == "ja":
        return "ja"
    if lang == "en":
        return "en"
    fail(f"--lang is ja or en, not {lang!r}")


def _day(given: datetime | None) -> date:
    return given.date() if given is not None else clock.today()


def _print_plan(plan: Plan) -> None:
    console = Console(file=sys.stdout, highlight=False)
    table = Table(title=f"{plan.event} {plan.date} — {plan.applicant or '-'}", title_justify="left")
    for column in ("procedure", "subject", "department", "deadline", "reason"):
        table.add_column(column, overflow="fold")
    for p in plan.procedures:
        deadline = str(p.deadline) if p.deadline else p.deadline_kind
        table.add_row(f"{p.name}\n{p.id}", p.subject, p.department_name, deadline, p.reason)
    console.print(table)
    for item in plan.no_procedure_needed:
        console.print(f"no procedure needed: {item.what} — {item.reason}")
    for needs in plan.needs_answers:
        console.print(f"needs an answer: {needs.procedure} ← {', '.join(needs.questions)}")
    for check in plan.needs_staff_check:
        console.print(f"needs a staff check: {check.procedure} for {check.subject} "
                      f"(birth date unknown: {', '.join(check.persons)})")
    if plan.questions:
        console.print(f"unanswered questions: {', '.join(plan.questions)}")
    console.print(f"paper baseline: {plan.paper_chars} characters")


def _print_form(form: FilledForm) -> None:
    console = Console(file=sys.stdout, highlight=False)
    table = Table(title=f"{form.name} ({form.procedure}) — {form.subject}", title_justify="left")
    for column in ("field", "value", "source"):
        table.add_column(column, overflow="fold")
    for f in form.fields:
        where = "to type: " + (f.why or "") if f.must_type else json.dumps(f.source, ensure_ascii=False)
        table.add_row(f.label, f.display or "—", where)
    console.print(table)
