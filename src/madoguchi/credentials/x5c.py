"""Trust by X.509: an issuer's ``x5c`` chain must lead to a root the city configured.

``cryptography``'s verifier builds and checks the path (signatures, validity at
the given time, CA constraints of the intermediates); the leaf must name the
issuer by a URI subject alternative name equal to its ``iss`` — the way SD-JWT
VC binds an ``x5c`` to the issuer. Leaf extensions are not constrained beyond
that: a hospital's HPKI-style certificate is not a TLS client certificate.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.verification import ExtensionPolicy, PolicyBuilder, Store, VerificationError
from joserfc.jwk import ECKey

from madoguchi.credentials.errors import IssuerCertificateInvalid

MAX_CHAIN = 4


def verify_chain(chain: object, roots: Sequence[x509.Certificate], *, iss: str,
                 at: datetime) -> ECKey:
    """The leaf's P-256 public key once the chain is valid at ``at`` and names ``iss``.

    Raises IssuerCertificateInvalid.
    """
    if not isinstance(chain, list) or not 0 < len(chain) <= MAX_CHAIN:
        raise IssuerCertificateInvalid(f"x5c is a list of 1–{MAX_CHAIN} certificates")
    try:
        leaf, *intermediates = (x509.load_der_x509_certificate(base64.b64decode(c, validate=True))
                                for c in chain)
    except (TypeError, ValueError, binascii.Error):
        raise IssuerCertificateInvalid("x5c holds something that is not a DER certificate") from None
    builder = (PolicyBuilder().store(Store(list(roots))).time(at).max_chain_depth(MAX_CHAIN)
               .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(),
                                   ee_policy=ExtensionPolicy.permit_all()))
    try:
        verified = builder.build_client_verifier().verify(leaf, intermediates)
    except VerificationError as error:
        raise IssuerCertificateInvalid(
            f"the issuer's certificate does not lead to a configured root at this time: {error}") from None
    names = [n.value for n in verified.subjects or () if isinstance(n, x509.UniformResourceIdentifier)]
    if iss not in names:
        raise IssuerCertificateInvalid("the issuer's certificate names another issuer than the credential's iss")
    key = leaf.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise IssuerCertificateInvalid("the issuer's certificate does not hold a P-256 key")
    return ECKey.import_key(key)
