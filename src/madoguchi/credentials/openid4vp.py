"""A minimal OpenID4VP exchange, in process: the city's request, the wallet's ``vp_token`` answer.

The request asks for one credential of a kind and names the claims wanted
(a DCQL query), with a fresh ``nonce`` and ``state``; the wallet answers
``{"vp_token": {"certificate": [<presentation>]}, "state": …}`` disclosing
exactly those claims, bound to the nonce and to ``client_id`` as audience.
The transport (request URI, ``direct_post``) is left to the web layer; a
request must be answered once — the caller forgets it after ``read_response``.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from madoguchi.credentials.errors import PresentationMalformed, PresentationNonceMismatch
from madoguchi.credentials.issuer import CREDENTIAL_TYPE
from madoguchi.credentials.kinds import KindRegistry, kinds
from madoguchi.credentials.trust import TrustRegistry
from madoguchi.credentials.verify import VerifiedCredential, verify_presentation
from madoguchi.credentials.wallet import Wallet

QUERY_ID = "certificate"


@dataclass(frozen=True)
class PresentationRequest:
    client_id: str
    """The verifier (the city's service); the presentation's audience."""
    kind: str
    claims: tuple[str, ...]
    nonce: str
    state: str

    def to_json(self, registry: KindRegistry = kinds) -> dict[str, Any]:
        """The request object a wallet receives."""
        return {
            "response_type": "vp_token", "response_mode": "direct_post", "client_id": self.client_id,
            "nonce": self.nonce, "state": self.state,
            "dcql_query": {"credentials": [{
                "id": QUERY_ID, "format": CREDENTIAL_TYPE,
                "meta": {"vct_values": [registry[self.kind].vct]},
                "claims": [{"path": [claim]} for claim in self.claims]}]},
        }


def make_request(*, client_id: str, kind: str, claims: tuple[str, ...]) -> PresentationRequest:
    return PresentationRequest(client_id, kind, claims, secrets.token_urlsafe(24), secrets.token_urlsafe(16))


def answer_request(wallet: Wallet, request: Mapping[str, Any], registry: KindRegistry = kinds) -> dict[str, Any]:
    """The wallet's response: its credential of the asked ``vct``, showing only the asked claims.

    Raises LookupError when the wallet holds no credential of that kind.
    """
    query = request["dcql_query"]["credentials"][0]
    kind = next((k for vct in query["meta"]["vct_values"] if (k := registry.by_vct(vct)) is not None), None)
    if kind is None:
        raise LookupError("the wallet knows no credential of the types asked for")
    presentation = wallet.present(kind.id, disclose=[c["path"][0] for c in query["claims"]],
                                  nonce=request["nonce"], audience=request["client_id"])
    return {"vp_token": {query["id"]: [presentation]}, "state": request["state"]}


def read_response(response: Mapping[str, Any], *, request: PresentationRequest, trust: TrustRegistry,
                  at: datetime) -> VerifiedCredential:
    """The verified credential the response carries for ``request``.

    Raises PresentationNonceMismatch for a response to another request,
    PresentationMalformed for one without exactly one presentation, and what
    ``verify_presentation`` raises.
    """
    if response.get("state") != request.state:
        raise PresentationNonceMismatch("the response answers another request (its state differs)")
    token = response.get("vp_token")
    presentations = token.get(QUERY_ID) if isinstance(token, dict) else None
    if not isinstance(presentations, list) or len(presentations) != 1 or not isinstance(presentations[0], str):
        raise PresentationMalformed(f"vp_token must hold one presentation under {QUERY_ID!r}")
    return verify_presentation(presentations[0], kind=request.kind, nonce=request.nonce,
                               audience=request.client_id, trust=trust, at=at)
