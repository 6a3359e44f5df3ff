"""A minimal test wallet: one holder key and the certificates issued to it.

It is what the tests and the demo use in place of a resident's smartphone
wallet: it stores credentials bound to its key and presents one disclosing
only the claims asked for. It trusts what it stores (the city verifies).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from joserfc.jwk import ECKey

from madoguchi.credentials import jose, sdjwt
from madoguchi.credentials.files import write_private
from madoguchi.credentials.kinds import KindRegistry, kinds
from madoguchi.credentials.presentation import create_presentation


@dataclass
class Wallet:
    key: ECKey = field(default_factory=jose.generate_key)
    credentials: dict[str, list[str]] = field(default_factory=dict)
    """Stored credentials by kind, oldest first."""

    @property
    def holder_jwk(self) -> dict[str, Any]:
        """The public key an issuer binds a credential to (``cnf.jwk``)."""
        return self.key.as_dict(private=False)

    def store(self, credential: str, registry: KindRegistry = kinds) -> str:
        """Keep a credential issued to this wallet; returns its kind.

        Raises ValueError for a credential of an unknown ``vct`` or bound to another key.
        """
        claims = jose.read(sdjwt.parse(credential).issuer_jwt, "certificate").claims
        kind = registry.by_vct(str(claims.get("vct")))
        if kind is None:
            raise ValueError(f"no certificate kind has the vct {claims.get('vct')!r}")
        cnf = claims.get("cnf")
        if not isinstance(cnf, dict) or cnf.get("jwk") != self.holder_jwk:
            raise ValueError("the credential is bound to another holder's key")
        self.credentials.setdefault(kind.id, []).append(credential)
        return kind.id

    def present(self, kind: str, *, disclose: Iterable[str], nonce: str, audience: str) -> str:
        """The newest credential of ``kind``, disclosing only ``disclose``, bound to the request.

        Raises LookupError when the wallet holds none of that kind; ValueError
        when ``disclose`` names a claim the credential lacks.
        """
        held = self.credentials.get(kind)
        if not held:
            raise LookupError(f"the wallet holds no {kind}")
        return create_presentation(held[-1], holder_key=self.key, disclose=disclose,
                                   nonce=nonce, audience=audience)

    def save(self, path: Path) -> None:
        write_private(path, json.dumps({"key": self.key.as_dict(private=True),
                                        "credentials": self.credentials}, indent=2))

    @classmethod
    def load(cls, path: Path) -> Wallet:
        """The wallet in ``path``, or a new one when there is none yet."""
        if not path.exists():
            return cls()
        document = json.loads(path.read_text(encoding="utf-8"))
        return cls(ECKey.import_key(document["key"]), document["credentials"])
