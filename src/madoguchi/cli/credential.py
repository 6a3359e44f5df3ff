"""`madoguchi credential`: issue a certificate as a demo issuer, present it from the demo wallet, verify it.

The demo's issuers keep their keys under ``.madoguchi/issuers/`` and the demo
wallet is ``.madoguchi/wallet.json`` (beside ``MADOGUCHI_KEYS_FILE``). ``verify``
uses the catalog's ``trusted-issuers.yaml``; the demo issuers' status lists are
served in process (their ``.example`` domains do not resolve), any other
issuer's are fetched over HTTPS. Exit codes: 0 verified (or done), 1 the
presentation is refused (the reason on stderr), 2 bad usage or unreadable input.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from madoguchi import clock
from madoguchi.catalog.loader import catalog_folder
from madoguchi.cli.common import EXIT_FAULTS, EXIT_USAGE, JsonOption, fail, print_json
from madoguchi.credentials.demo_issuers import (
    DEMO_ISSUERS,
    ensure_demo_issuers,
    issuer_directory,
    load_demo_issuer,
    save_demo_issuer,
    status_transport,
)
from madoguchi.credentials.errors import CredentialKindUnknown, TrustRegistryInvalid
from madoguchi.credentials.issuer import issue_credential
from madoguchi.credentials.status_cache import StatusListCache
from madoguchi.credentials.trust import TrustRegistry
from madoguchi.credentials.trust_file import FILE_NAME, load_trust_registry
from madoguchi.credentials.verify import verify_presentation
from madoguchi.credentials.wallet import Wallet
from madoguchi.errors import AppError
from madoguchi.settings import get_settings

app = typer.Typer(help="Digital certificates (SD-JWT VC): issue, present, verify.", no_args_is_help=True)

KindOption = Annotated[str, typer.Option(
    "--kind", help="birth-certificate, death-certificate, enrollment-certificate or employment-certificate.")]
NonceOption = Annotated[str, typer.Option("--nonce", help="The verifier's nonce for this request.")]
AudienceOption = Annotated[str, typer.Option("--audience", help="The verifier's identifier (aud).")]
OutOption = Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")]


def wallet_file() -> Path:
    return get_settings().keys_file.parent / "wallet.json"


@app.command("issue")
def issue(
    kind: KindOption,
    issuer: Annotated[str, typer.Option("--issuer", help=f"A demo issuer: {', '.join(DEMO_ISSUERS)}.")],
    claims: Annotated[Path, typer.Option("--claims", help="A JSON object of the claims (docs/credentials.md).")],
    holder: Annotated[Path | None, typer.Option(
        "--holder", help="The holder's public JWK (JSON); default: the demo wallet, which stores it.")] = None,
    valid_days: Annotated[int, typer.Option("--valid-days", min=1, help="Days it stays valid.")] = 90,
    out: OutOption = None,
) -> None:
    """Sign a certificate as a demo issuer and print it (an SD-JWT VC)."""
    values = _read_json(claims)
    wallet = Wallet.load(wallet_file())
    holder_jwk = _read_json(holder) if holder is not None else wallet.holder_jwk
    directory = issuer_directory()
    try:
        ensure_demo_issuers(directory)
        signer = load_demo_issuer(issuer, directory)
        now = clock.now()
        credential = issue_credential(signer, kind=kind, claims=values, holder_jwk=holder_jwk,
                                      valid_from=now, valid_until=now + timedelta(days=valid_days))
    except AppError as error:
        fail(error.detail, EXIT_USAGE)
    save_demo_issuer(issuer, signer, directory)
    if holder is None:
        wallet.store(credential)
        wallet.save(wallet_file())
    _write(credential, out)


@app.command("present")
def present(
    kind: KindOption,
    disclose: Annotated[str, typer.Option("--disclose", help="The claims to show, comma-separated.")],
    nonce: NonceOption,
    audience: AudienceOption,
    out: OutOption = None,
) -> None:
    """Present the demo wallet's newest certificate of a kind, showing only the claims named."""
    try:
        presentation = Wallet.load(wallet_file()).present(
            kind, disclose=[c.strip() for c in disclose.split(",") if c.strip()], nonce=nonce,
            audience=audience)
    except (LookupError, ValueError) as error:
        fail(str(error), EXIT_USAGE)
    _write(presentation, out)


@app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="A file holding the presentation (SD-JWT with key binding).")],
    kind: KindOption,
    nonce: NonceOption,
    audience: AudienceOption,
    json_output: JsonOption = False,
) -> None:
    """Verify a presentation: issuer, trust for the kind, validity, status, holder binding, nonce, audience."""
    try:
        text = file.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read {file}: {error}", EXIT_USAGE)
    trust = _trust_registry()
    try:
        verified = verify_presentation(text, kind=kind, nonce=nonce, audience=audience, trust=trust,
                                       at=clock.now())
    except CredentialKindUnknown as error:
        fail(error.detail, EXIT_USAGE)
    except AppError as error:
        if json_output:
            print_json({"verified": False, "type": error.type, "title": error.title, "detail": error.detail})
        fail(f"refused ({error.type}): {error.detail}", EXIT_FAULTS)
    if json_output:
        print_json({"verified": True, "kind": verified.kind,
                    "issuer": {"id": verified.issuer.id, "iss": verified.issuer.iss,
                               "name": verified.issuer.name.model_dump()},
                    "claims": dict(verified.claims), "issued_at": verified.issued_at.isoformat(),
                    "valid_until": verified.valid_until.isoformat() if verified.valid_until else None,
                    "verified_at": verified.verified_at.isoformat()})
        return
    sys.stdout.write(f"verified: {verified.kind} from {verified.issuer.name.ja} ({verified.issuer.id})\n")
    for name, value in verified.claims.items():
        sys.stdout.write(f"  {name}: {value}\n")


def _trust_registry() -> TrustRegistry:
    directory = issuer_directory()
    transport = status_transport(directory)
    client = httpx.Client(timeout=5.0, mounts={d.iss: transport for d in DEMO_ISSUERS.values()})
    try:
        return load_trust_registry(catalog_folder() / FILE_NAME, status_lists=StatusListCache(client))
    except TrustRegistryInvalid as error:
        fail(f"{error.detail} (for the demo, `madoguchi credential issue` makes the issuers' keys)",
             EXIT_FAULTS)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        fail(f"cannot read {path} as JSON: {error}", EXIT_USAGE)


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text + "\n")
    else:
        out.write_text(text + "\n", encoding="ascii")
