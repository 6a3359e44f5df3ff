"""The demo's wallet: the smartphone's wallet app handing over a certificate, simulated with the demo wallet.

Only the wallet app is simulated. One tap on the confirmation page keeps the
values the page holds, then asks for the certificate exactly as ``POST
/api/v1/drafts/{id}/certificates/request`` does (``request_certificate``: an
OpenID4VP request whose nonce the draft keeps), answers it server-side with
the demo wallet (``openid4vp.answer_request``: the newest certificate of the
kind, disclosing only the claims asked, bound to the nonce and the city's
client id), and hands the presentation over as ``POST
/api/v1/drafts/{id}/certificates`` does (``add_certificate``: verified
against the city's trust registry, kept as evidence, filling the forms).

The wallet is the file ``madoguchi credential issue`` and ``madoguchi demo``
fill (``wallet.json`` beside the key file). It is behind the same switch as
the demo's card reader (``web.demo_card``): off unless ``MADOGUCHI_DEMO_CARDS``
is set, and every route here answers 404 while a real card authority is
configured.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from madoguchi.credentials.openid4vp import QUERY_ID, PresentationRequest, answer_request
from madoguchi.credentials.wallet import Wallet
from madoguchi.errors import AppError
from madoguchi.intake.certificates import add_certificate, request_certificate
from madoguchi.settings import Settings
from madoguchi.web.api.intake import CertificateTrustDep
from madoguchi.web.confirmation_page import values_from_form
from madoguchi.web.demo_card import require_demo_cards
from madoguchi.web.deps import CatalogDep, SessionDep, SettingsDep, VaultDep
from madoguchi.web.i18n import N_, gettext, lang_of
from madoguchi.web.journey import confirmation_of, confirmation_response, keep_values, open_view
from madoguchi.web.rendering import FormDep, PageRoute
from madoguchi.web.resident import ResidentWriteDep

logger = logging.getLogger("madoguchi.web")

NOT_HANDED_OVER = N_("The wallet could not hand over this certificate (it may hold none, or one about another "
                     "event). Attach a photo or PDF of the paper certificate instead.")

router = APIRouter(prefix="/demo/wallet", include_in_schema=False, route_class=PageRoute,
                   dependencies=[Depends(require_demo_cards)])


class WalletDeclined(AppError):
    status = 422
    type = "demo-wallet-declined"
    title = "The demo wallet holds no such certificate"


def wallet_file(settings: Settings) -> Path:
    """The demo wallet: one holder key and the certificates issued to it (``madoguchi credential issue``)."""
    return settings.keys_file.parent / "wallet.json"


def check_own_draft(draft_id: str, resident: ResidentWriteDep, session: SessionDep) -> None:
    """Refuse someone else's draft before the trust registry is read for the request."""
    open_view(session, resident, draft_id)


@router.post("/drafts/{draft_id}/certificates")
def hand_over_from_wallet(request: Request, draft_id: str, resident: ResidentWriteDep, session: SessionDep,
                          settings: SettingsDep, catalog: CatalogDep, vault: VaultDep,
                          _owned: Annotated[None, Depends(check_own_draft)], trust: CertificateTrustDep,
                          form: FormDep) -> Response:
    """Keep the page's values, then hand over the wallet's certificate of the kind chosen, verified."""
    view = open_view(session, resident, draft_id)
    lang = lang_of(request)
    errors = keep_values(session, resident, view, catalog, vault, values_from_form(view.filled["inputs"], form),
                         lang)
    kind = str(form.get("kind") or "")
    try:
        with session.begin_nested():  # a refusal keeps neither the request's nonce nor anything else
            asked = request_certificate(session, actor=resident.actor, draft_id=view.draft_id, kind=kind)
            add_certificate(session, actor=resident.actor, catalog=catalog, trust=trust, draft_id=view.draft_id,
                            kind=kind, presentation=_present(wallet_file(settings), asked))
    except AppError as refusal:  # shown next to the photo upload, the way left
        logger.info("demo wallet refused %s %s", refusal.status, refusal.type)
        refused = {f"{asking['procedure']}/{asking['subject']}/{need['key']}": gettext(lang, NOT_HANDED_OVER)
                   for asking in view.filled["forms"] for need in asking["evidence"] if need["certificate"] == kind}
    else:
        if not errors:
            return RedirectResponse(f"/drafts/{view.draft_id}", status_code=303)
        refused = {}
    page = confirmation_of(session, resident, view.draft_id, catalog, vault, errors=errors, evidence_errors=refused)
    return confirmation_response(request, resident, page, status_code=422)


def _present(path: Path, asked: PresentationRequest) -> str:
    """What the wallet app answers: its certificate of the kind, showing the claims asked. Raises WalletDeclined."""
    try:
        return str(answer_request(Wallet.load(path), asked.to_json())["vp_token"][QUERY_ID][0])
    except (LookupError, ValueError) as declined:  # none of the kind; one lacking a claim asked for
        raise WalletDeclined(str(declined)) from None
