"""The intake API (申請受付API) for the resident's front: drafts, evidence, signing, bundles and status.

Every route acts for the resident logged in with their card (``ResidentDep``);
those that change something carry the session's CSRF token. Creating a bundle
accepts ``Idempotency-Key``: the same key and body give the same answer, a
different body 409 (see ``web.idempotency``). A digital certificate is asked
of the wallet with an OpenID4VP request the draft keeps the nonce of, then
handed over and verified against the city's trust registry
(``CertificateTrustDep``, read once per process with its status-list cache).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, File, Form, Header, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from madoguchi import clock
from madoguchi.catalog.loader import catalog_folder
from madoguchi.credentials.demo_issuers import DEMO_ISSUERS, issuer_directory, status_transport
from madoguchi.credentials.sdjwt import MAX_PRESENTATION_CHARS
from madoguchi.credentials.status_cache import StatusListCache
from madoguchi.credentials.trust import TrustRegistry
from madoguchi.credentials.trust_file import FILE_NAME, load_trust_registry
from madoguchi.guidance.language import Lang
from madoguchi.intake.attachments import MAX_BYTES, add_attachment
from madoguchi.intake.bundles import content_to_sign, submit_bundle
from madoguchi.intake.card_signature import card_signature_check
from madoguchi.intake.certificates import add_certificate, request_certificate
from madoguchi.intake.cosign import co_sign, co_sign_request, send_to_counter
from madoguchi.intake.drafts import create_draft, find_draft, save_values, show_draft
from madoguchi.intake.intake_errors import AttachmentRefused
from madoguchi.intake.review import correct_application
from madoguchi.intake.signing import CardSignature
from madoguchi.intake.tracking import bundle_status, list_bundles
from madoguchi.settings import Settings
from madoguchi.web.deps import CatalogDep, PurposesDep, SessionDep, VaultDep, commit_in_route
from madoguchi.web.errors import problem_responses
from madoguchi.web.idempotency import replay_or_run
from madoguchi.web.resident import CardTrustDep, ResidentDep, ResidentWriteDep

router = APIRouter(prefix="/api/v1", tags=["intake"], responses=problem_responses(401, 403, 404, 409, 422))

Values = dict[str, JsonValue]


class DraftRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event: str = Field(min_length=1, max_length=64)
    date: dt.date | None = Field(default=None, description="The event's date; default: today (Asia/Tokyo).")
    answers: dict[str, JsonValue] = Field(default_factory=dict)
    lang: Lang = "ja"


class ValuesRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    values: Values = Field(default_factory=dict, description="Values by input key (the draft's `inputs`).")


class CertificateKindRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1, max_length=64, description="A certificate kind (catalog/certificates.yaml): "
                                                              "`birth-certificate`, `death-certificate`, …")


class CertificatePresentation(CertificateKindRequest):
    presentation: str = Field(min_length=1, max_length=2 * MAX_PRESENTATION_CHARS, description=(
        "The SD-JWT VC as the wallet presents it for the draft's request: the issuer's JWT, the disclosures, "
        "the key-binding JWT. (The bound keeps floods out; the verifier refuses one over "
        f"{MAX_PRESENTATION_CHARS} characters as `presentation-too-large`.)"))


class BundleRequest(ValuesRequest):
    draft: uuid.UUID
    signature: CardSignature


class CoSignRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signature: CardSignature


def get_certificate_trust(request: Request) -> TrustRegistry:
    """The issuers the city trusts for each kind, read once per process so the status lists' cache is shared.

    The demo issuers' status lists are served in process: their ``.example`` domains never resolve.
    """
    state = request.app.state
    if getattr(state, "certificate_trust", None) is None:
        settings: Settings = state.settings
        demo = status_transport(issuer_directory())
        client = httpx.Client(timeout=5.0, mounts={issuer.iss: demo for issuer in DEMO_ISSUERS.values()})
        state.certificate_trust = load_trust_registry(catalog_folder(settings.catalog) / FILE_NAME,
                                                      status_lists=StatusListCache(client))
    trust: TrustRegistry = state.certificate_trust
    return trust


CertificateTrustDep = Annotated[TrustRegistry, Depends(get_certificate_trust)]


def check_own_draft(draft_id: uuid.UUID, resident: ResidentWriteDep, session: SessionDep) -> None:
    """Refuse someone else's draft before anything else is done for the request (the trust registry read)."""
    find_draft(session, actor=resident.actor, draft_id=draft_id)


OwnDraftDep = Annotated[None, Depends(check_own_draft)]


@router.post("/drafts", status_code=201)
def create_bundle_draft(body: DraftRequest, resident: ResidentWriteDep, session: SessionDep, vault: VaultDep,
                        purposes: PurposesDep, catalog: CatalogDep) -> dict[str, Any]:
    """Plan a life event for the resident and fill every form: the draft the resident confirms and signs."""
    return create_draft(session, actor=resident.actor, catalog=catalog, purposes=purposes, vault=vault,
                        event_id=body.event, event_date=body.date or clock.today(), answers=body.answers,
                        lang=body.lang).to_json()


@router.get("/drafts/{draft_id}")
def read_draft(draft_id: uuid.UUID, resident: ResidentDep, session: SessionDep) -> dict[str, Any]:
    """A draft as left: its forms (sensitive values masked), the values given so far."""
    return show_draft(session, actor=resident.actor, draft_id=draft_id).to_json()


@router.patch("/drafts/{draft_id}")
def save_draft_values(draft_id: uuid.UUID, body: ValuesRequest, resident: ResidentWriteDep, session: SessionDep,
                      vault: VaultDep, catalog: CatalogDep) -> dict[str, Any]:
    """Keep some values (each checked); the rest can be given later."""
    return save_values(session, actor=resident.actor, catalog=catalog, vault=vault, draft_id=draft_id,
                       values=body.values).to_json()


@router.post("/drafts/{draft_id}/attachments", status_code=201)
def attach_evidence(draft_id: uuid.UUID, resident: ResidentWriteDep, session: SessionDep,
                          procedure: Annotated[str, Form(max_length=64)],
                          subject: Annotated[str, Form(max_length=32)],
                          evidence: Annotated[str, Form(max_length=100)],
                          file: Annotated[UploadFile, File(description="A PDF, JPEG or PNG of at most 5 MiB.")],
                          ) -> dict[str, object]:
    """Attach a photo or PDF as one form's evidence (a second one for the same evidence replaces it).

    A plain (threadpool) route like the others: the database work must not run on the event loop, where
    waiting for SQLite's write lock would stall every other request."""
    content = file.file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise AttachmentRefused(f"the file is larger than {MAX_BYTES // 1024 // 1024} MiB")
    return add_attachment(session, actor=resident.actor, draft_id=draft_id, procedure=procedure, subject=subject,
                          evidence=evidence, filename=file.filename or "file",
                          media_type=file.content_type or "", content=content).to_json()


@router.post("/drafts/{draft_id}/certificates/request", status_code=201)
def request_draft_certificate(draft_id: uuid.UUID, body: CertificateKindRequest, resident: ResidentWriteDep,
                              session: SessionDep) -> dict[str, Any]:
    """Ask the wallet for a certificate: the OpenID4VP request object, with a nonce for this draft."""
    return request_certificate(session, actor=resident.actor, draft_id=draft_id, kind=body.kind).to_json()


@router.post("/drafts/{draft_id}/certificates", status_code=201, responses=problem_responses(503))
def hand_over_certificate(draft_id: uuid.UUID, body: CertificatePresentation, resident: ResidentWriteDep,
                          session: SessionDep, catalog: CatalogDep, _owned: OwnDraftDep,
                          trust: CertificateTrustDep) -> dict[str, object]:
    """Hand over a digital certificate: verified, kept as evidence, and filling the fields that take its claims."""
    return add_certificate(session, actor=resident.actor, catalog=catalog, trust=trust, draft_id=draft_id,
                           kind=body.kind, presentation=body.presentation).to_json()


@router.post("/drafts/{draft_id}/content")
def content_for_signing(draft_id: uuid.UUID, body: ValuesRequest, resident: ResidentWriteDep,
                        session: SessionDep, vault: VaultDep, catalog: CatalogDep) -> dict[str, str]:
    """The exact bytes the card signs for this draft and these values (refused while anything is missing)."""
    content = content_to_sign(session, actor=resident.actor, catalog=catalog, vault=vault, draft_id=draft_id,
                              values=body.values)
    return {"content": content.decode(), "encoding": "utf-8, RFC 8785 canonical JSON"}


@router.post("/bundles", status_code=201)
def create_bundle(request: Request, body: BundleRequest, resident: ResidentWriteDep, session: SessionDep,
                  vault: VaultDep, purposes: PurposesDep, catalog: CatalogDep, trust: CardTrustDep,
                  idempotency_key: Annotated[str | None, Header(max_length=200)] = None) -> JSONResponse:
    """Submit the draft as signed: one bundle, one application per procedure and subject, each routed."""
    check = card_signature_check(trust, purposes=purposes, vault=vault)

    def run() -> dict[str, Any]:
        return submit_bundle(session, actor=resident.actor, catalog=catalog, vault=vault, check_signature=check,
                             draft_id=body.draft, values=body.values, signature=body.signature).to_json()

    answer = replay_or_run(session, scope=f"resident:{resident.atena_number}:{request.url.path}",
                           key=idempotency_key, body=body.model_dump(mode="json"), status_code=201, run=run)
    commit_in_route(session)
    return answer


@router.get("/bundles")
def my_bundles(resident: ResidentDep, session: SessionDep) -> list[dict[str, Any]]:
    """The resident's bundles, newest first."""
    return list_bundles(session, actor=resident.actor)


@router.get("/bundles/{reference}")
def read_bundle(reference: str, resident: ResidentDep, session: SessionDep) -> dict[str, Any]:
    """A bundle's applications: status, history, what to correct and co-signatures."""
    return bundle_status(session, actor=resident.actor, reference=reference)


@router.post("/applications/{reference}/correction")
def correct(reference: str, body: ValuesRequest, resident: ResidentWriteDep, session: SessionDep,
            vault: VaultDep, catalog: CatalogDep) -> dict[str, Any]:
    """Fix only the fields the department sent back; the application goes to it again."""
    return correct_application(session, actor=resident.actor, catalog=catalog, vault=vault, reference=reference,
                               values=body.values)


@router.post("/applications/{reference}/counter")
def sign_at_counter(reference: str, resident: ResidentWriteDep, session: SessionDep,
                    catalog: CatalogDep) -> dict[str, Any]:
    """Have the co-signers sign at the counter instead: the form waits there, printed prefilled."""
    return send_to_counter(session, actor=resident.actor, catalog=catalog, reference=reference)


@router.get("/co-signatures/{token}")
def read_co_sign_request(token: str, session: SessionDep) -> dict[str, Any]:
    """What a co-signer is asked to sign (the link is their credential; no login needed to read it)."""
    return co_sign_request(session, token=token)


@router.post("/co-signatures/{token}")
def give_co_signature(token: str, body: CoSignRequest, session: SessionDep, vault: VaultDep,
                      purposes: PurposesDep, trust: CardTrustDep) -> dict[str, Any]:
    """Sign as a co-signer with one's own card; the last signature sends the application on."""
    return co_sign(session, check_signature=card_signature_check(trust, purposes=purposes, vault=vault),
                   token=token, signature=body.signature)
