"""`madoguchi card`: virtual My Number cards for the demo's residents (simulated card, real keys)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from cryptography import x509

from madoguchi.cli.common import (
    EXIT_USAGE,
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
from madoguchi.identity.card_authority import CardAuthority, authority_folder
from madoguchi.identity.virtual_card import (
    cards_folder,
    issue_card_for_resident,
    revoke_cards_of,
    save_virtual_card,
)
from madoguchi.settings import get_settings
from madoguchi.vault import load_vault

app = typer.Typer(help="Virtual My Number cards for the demo: issue, link, revoke.", no_args_is_help=True)

AtenaArgument = Annotated[str, typer.Argument(help="The resident's 宛名番号.")]


def _atena(atena_number: str) -> str:
    if not (atena_number.isascii() and atena_number.isdigit()):
        fail("a 宛名番号 is digits", EXIT_USAGE)
    return atena_number


@app.command("issue")
def issue(atena_number: AtenaArgument, operator: OperatorOption = None, db: DbOption = None,
          json_output: JsonOption = False) -> None:
    """Issue a virtual card to a resident, link its certificates, and write it to cards/ATENA.json (0600)."""
    settings = get_settings()
    actor = operator_actor(operator)
    purposes = open_catalog().purposes
    authority = CardAuthority.open(authority_folder(settings))
    try:
        with transaction(open_engine(db)) as session:
            card = issue_card_for_resident(session, actor=actor, authority=authority,
                                           atena_number=_atena(atena_number), purposes=purposes,
                                           vault=load_vault(settings.keys_file))
            path = save_virtual_card(card, cards_folder(settings))
    except AppError as error:
        refuse(error)
    certificates = {"signing": _described(card.signing_certificate),
                    "authentication": _described(card.auth_certificate)}
    if json_output:
        print_json({"atena_number": card.atena_number, "card_file": str(path), "certificates": certificates})
        return
    stderr.print(f"virtual card issued and linked; its keys are in {path} (a simulation: keep it private)")
    for kind, described in certificates.items():
        sys.stdout.write(f"{kind}\t{described['serial']}\tvalid until {described['not_after']}\n")


@app.command("revoke")
def revoke(atena_number: AtenaArgument, operator: OperatorOption = None, db: DbOption = None,
           json_output: JsonOption = False) -> None:
    """Revoke a resident's virtual card: unlink its certificates and put them on the demo CA's CRL."""
    settings = get_settings()
    actor = operator_actor(operator)
    authority = CardAuthority.open(authority_folder(settings))
    try:
        with transaction(open_engine(db)) as session:
            links = revoke_cards_of(session, actor=actor, authority=authority, atena_number=_atena(atena_number))
            revoked = [{"kind": link.kind, "serial": link.serial} for link in links]
    except AppError as error:
        refuse(error)
    if json_output:
        print_json({"atena_number": atena_number, "revoked": revoked})
        return
    for entry in revoked:
        sys.stdout.write(f"revoked\t{entry['kind']}\t{entry['serial']}\n")


def _described(certificate: x509.Certificate) -> dict[str, str]:
    return {"serial": f"{certificate.serial_number:x}", "issuer": certificate.issuer.rfc4514_string(),
            "not_after": certificate.not_valid_after_utc.isoformat()}
