"""The holder's side: show a certificate disclosing only some claims, bound to one request.

The presentation keeps the issuer's JWT and the chosen disclosures; the others
are left out, so the verifier sees only their digests. A key-binding JWT
(``typ: kb+jwt``) signed with the holder's key carries the verifier's
``nonce`` and ``aud``, the time, and ``sd_hash`` over everything before it.
"""

from __future__ import annotations

from collections.abc import Iterable

from joserfc.jwk import ECKey

from madoguchi import clock
from madoguchi.credentials import jose, sdjwt

KEY_BINDING_TYPE = "kb+jwt"


def create_presentation(credential: str, *, holder_key: ECKey, disclose: Iterable[str],
                        nonce: str, audience: str) -> str:
    """``credential`` with only the claims named in ``disclose``, and a key binding.

    Raises ValueError when ``disclose`` names a claim the credential does not have.
    """
    parts = sdjwt.parse(credential)
    disclosures = [sdjwt.parse_disclosure(d) for d in parts.disclosures]
    wanted = set(disclose)
    missing = wanted - {d.name for d in disclosures}
    if missing:
        raise ValueError(f"the credential has no claim {', '.join(sorted(missing))}")
    bound = sdjwt.serialize(parts.issuer_jwt, [d.encoded for d in disclosures if d.name in wanted])
    claims = {"iat": int(clock.now().timestamp()), "aud": audience, "nonce": nonce,
              "sd_hash": sdjwt.digest(bound)}
    return bound + jose.sign({"typ": KEY_BINDING_TYPE}, claims, holder_key)
