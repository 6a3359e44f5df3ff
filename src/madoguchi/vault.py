"""Keys and sealing of the hub's sensitive items.

個人番号 and the public-money account are stored only as AES-GCM ciphertext
tagged with the id of the key that sealed it, so keys can be rotated: a new
key seals from then on, old keys still open what they sealed. A keyed hash
(HMAC-SHA256) lets the hub find a person by My Number without decrypting.
The same file holds the Ed25519 key that signs the access log's checkpoints.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class SealError(Exception):
    """A sealed value could not be opened: unknown key id, or tampered ciphertext."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Vault:
    active_key_id: str
    data_keys: dict[str, bytes]
    lookup_key: bytes
    signing_key: Ed25519PrivateKey
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def generate(cls) -> Vault:
        key_id = "k1"
        return cls(key_id, {key_id: AESGCM.generate_key(256)}, secrets.token_bytes(32),
                   Ed25519PrivateKey.generate())

    def _aead(self, key_id: str) -> AESGCM:
        """The cipher of a key id, made once (building one per value is a measurable cost in bulk imports)."""
        aead = self._ciphers.get(key_id)
        if aead is None:
            aead = self._ciphers[key_id] = AESGCM(self.data_keys[key_id])
        return aead

    def seal(self, plaintext: str, context: str = "") -> str:
        """Encrypt text; ``context`` (e.g. the column name) is bound as associated data."""
        nonce = os.urandom(12)
        aead = self._aead(self.active_key_id)
        ciphertext = aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return f"{self.active_key_id}.{_b64(nonce)}.{_b64(ciphertext)}"

    def open(self, sealed: str, context: str = "") -> str:
        try:
            key_id, nonce, ciphertext = sealed.split(".")
            aead = self._aead(key_id)
            return aead.decrypt(_unb64(nonce), _unb64(ciphertext), context.encode("utf-8")).decode("utf-8")
        except (KeyError, ValueError, InvalidTag) as exc:
            raise SealError("a sealed value could not be opened (unknown key or altered data)") from exc

    def lookup_hash(self, value: str) -> str:
        """A keyed hash for equality look-ups of a sealed value."""
        return hmac.new(self.lookup_key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def rotate(self) -> str:
        """Add a new data key and seal with it from now on; returns its id."""
        number = max(int(k[1:]) for k in self.data_keys if k[1:].isdigit()) + 1
        key_id = f"k{number}"
        self.data_keys[key_id] = AESGCM.generate_key(256)
        self.active_key_id = key_id
        return key_id

    def sign(self, message: bytes) -> str:
        return _b64(self.signing_key.sign(message))

    @property
    def verify_key(self) -> Ed25519PublicKey:
        return self.signing_key.public_key()

    def to_json(self) -> str:
        raw_signing = self.signing_key.private_bytes_raw()
        return json.dumps({
            "active": self.active_key_id,
            "data_keys": {k: _b64(v) for k, v in self.data_keys.items()},
            "lookup_key": _b64(self.lookup_key),
            "signing_key": _b64(raw_signing),
        }, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Vault:
        doc = json.loads(text)
        return cls(doc["active"], {k: _unb64(v) for k, v in doc["data_keys"].items()},
                   _unb64(doc["lookup_key"]),
                   Ed25519PrivateKey.from_private_bytes(_unb64(doc["signing_key"])))


def load_vault(path: Path) -> Vault:
    """Read the key file, or create one (mode 0600) the first time."""
    if path.exists():
        return Vault.from_json(path.read_text())
    vault = Vault.generate()
    save_vault(vault, path)
    return vault


def save_vault(vault: Vault, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(vault.to_json())
    tmp.replace(path)
