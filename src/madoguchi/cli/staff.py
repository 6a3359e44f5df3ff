"""`madoguchi staff`: the city's staff accounts for the department back office.

A password is never a command-line argument (it would sit in the shell's
history and in the process list): it is read from stdin (``--password-stdin``)
or prompted for twice.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from madoguchi import clock
from madoguchi.backoffice.staff import add_staff, disable_staff, list_staff, reset_password
from madoguchi.cli.common import (
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
from madoguchi.web.sessions import end_actor_sessions

app = typer.Typer(help="Staff accounts for the department back office.", no_args_is_help=True)


class RoleChoice(StrEnum):
    reviewer = "reviewer"
    manager = "manager"


LoginArgument = Annotated[str, typer.Argument(help="The staff member's login id.")]
PasswordStdinOption = Annotated[bool, typer.Option(
    "--password-stdin", help="Read the password from the first line of stdin instead of prompting.")]


@app.command("add")
def add(
    login: LoginArgument,
    name: Annotated[str, typer.Option("--name", help="The name shown in the back office.")],
    department: Annotated[str, typer.Option("--department", help="A department id of the catalog "
                                            "(catalog/departments.yaml), e.g. child-support.")],
    role: Annotated[RoleChoice, typer.Option("--role", help="reviewer or manager.")],
    support_measure: Annotated[bool, typer.Option(
        "--support-measure", help="May see people under 支援措置 (DV/stalker support measures).")] = False,
    password_stdin: PasswordStdinOption = False,
    operator: OperatorOption = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Add a staff member who logs in to their department's back office."""
    actor = operator_actor(operator)
    catalog = open_catalog().store.current
    if department not in catalog.departments:
        fail(f"no department {department!r} in the catalog; known: {', '.join(catalog.departments)}")
    password = _password(password_stdin)
    try:
        with transaction(open_engine(db)) as session:
            member = add_staff(session, actor=actor, catalog=catalog, login=login, display_name=name,
                               department=department, role=role.value,
                               may_see_support_measure=support_measure, password=password)
    except AppError as error:
        refuse(error)
    if json_output:
        print_json({"login": member.login, "name": member.display_name, "department": member.department,
                    "role": member.role, "support_measure": member.may_see_support_measure})
    else:
        stderr.print(f"staff member {member.login} added to {member.department} as {member.role}",
                     highlight=False)


@app.command("list")
def list_(operator: OperatorOption = None, db: DbOption = None, json_output: JsonOption = False) -> None:
    """List the staff members: department, role, whether active or locked (never a password)."""
    actor = operator_actor(operator)
    with transaction(open_engine(db)) as session:
        members = list_staff(session, actor=actor)
    if json_output:
        print_json([{"login": m.login, "name": m.display_name, "department": m.department, "role": m.role,
                     "support_measure": m.may_see_support_measure, "active": m.active,
                     "locked_until": m.locked_until, "last_login_at": m.last_login_at,
                     "created_at": m.created_at, "created_by": m.created_by} for m in members])
        return
    for m in members:
        state = "active" if m.active else "disabled"
        if m.active and m.locked_until is not None:
            state = f"active (locked until {m.locked_until.astimezone(clock.TOKYO):%Y-%m-%d %H:%M})"
        sys.stdout.write(f"{m.login}\t{m.display_name}\t{m.department}\t{m.role}"
                         f"{' support-measure' if m.may_see_support_measure else ''}\t{state}\n")


@app.command("disable")
def disable(login: LoginArgument, operator: OperatorOption = None, db: DbOption = None) -> None:
    """Disable a staff member: their logins are refused and their open sessions end."""
    actor = operator_actor(operator)
    try:
        with transaction(open_engine(db)) as session:
            disable_staff(session, actor=actor, login=login)
            end_actor_sessions(session, actor_kind="staff", actor_id=login)
    except AppError as error:
        refuse(error)
    stderr.print(f"staff member {login} disabled", highlight=False)


@app.command("reset-password")
def reset(login: LoginArgument, password_stdin: PasswordStdinOption = False,
          operator: OperatorOption = None, db: DbOption = None) -> None:
    """Set a new password for a staff member, lift a lockout and end their open sessions."""
    actor = operator_actor(operator)
    password = _password(password_stdin)
    try:
        with transaction(open_engine(db)) as session:
            reset_password(session, actor=actor, login=login, password=password)
            end_actor_sessions(session, actor_kind="staff", actor_id=login)
    except AppError as error:
        refuse(error)
    stderr.print(f"password of staff member {login} reset", highlight=False)


def _password(from_stdin: bool) -> str:
    if not from_stdin:
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True))
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        fail("--password-stdin: no password on stdin")
    return password
