"""The IETF Token Status List: one status per credential in a compressed bit string.

A credential says where its status is: ``status: {status_list: {idx, uri}}``.
At ``uri`` its issuer publishes a JWT (``typ: statuslist+jwt``) whose
``status_list`` is ``{bits, lst}``: ``lst`` is the base64url of the
zlib-compressed byte string, ``bits`` (1, 2, 4 or 8) the width of one status.
The status of index ``i`` sits in byte ``i * bits // 8``, counted from the
least significant bit. 0 is valid, 1 revoked, 2 suspended. No maintained
Python package reads or writes it, so this small format is ours.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from madoguchi.credentials.sdjwt import b64url, b64url_decode

VALID = 0
INVALID = 1
SUSPENDED = 2
WIDTHS = (1, 2, 4, 8)
MAX_BYTES = 1 << 22
"""A list inflates to at most 4 MiB (33 million one-bit entries): a bigger one is refused, not inflated."""


class StatusListMalformed(ValueError):
    """A ``status_list`` object or a credential's ``status`` reference that does not follow the format."""


class StatusList:
    """A fixed number of statuses of ``bits`` bits each, all valid at first."""

    def __init__(self, size: int, bits: int = 1, raw: bytes | None = None) -> None:
        if bits not in WIDTHS:
            raise StatusListMalformed(f"bits is one of {WIDTHS}, not {bits!r}")
        length = -(-size * bits // 8)
        if raw is not None and len(raw) != length:
            raise StatusListMalformed("the byte string does not match the size")
        self.bits = bits
        self.size = size
        self._bytes = bytearray(raw) if raw is not None else bytearray(length)

    def _place(self, index: int) -> tuple[int, int]:
        if not 0 <= index < self.size:
            raise IndexError(f"index {index} is outside the list of {self.size}")
        bit = index * self.bits
        return bit // 8, bit % 8

    def __getitem__(self, index: int) -> int:
        byte, shift = self._place(index)
        return (self._bytes[byte] >> shift) & ((1 << self.bits) - 1)

    def __setitem__(self, index: int, status: int) -> None:
        if not 0 <= status < 1 << self.bits:
            raise ValueError(f"a status of {self.bits} bits is 0–{(1 << self.bits) - 1}")
        byte, shift = self._place(index)
        mask = ((1 << self.bits) - 1) << shift
        self._bytes[byte] = (self._bytes[byte] & ~mask) | (status << shift)

    def to_claim(self) -> dict[str, Any]:
        """The ``status_list`` claim: ``{bits, lst}``."""
        return {"bits": self.bits, "lst": b64url(zlib.compress(bytes(self._bytes), 9))}

    @classmethod
    def from_claim(cls, claim: object) -> StatusList:
        """Raises StatusListMalformed."""
        if not isinstance(claim, dict) or not isinstance(claim.get("lst"), str):
            raise StatusListMalformed("status_list is not {bits, lst}")
        bits = claim.get("bits")
        if not isinstance(bits, int) or isinstance(bits, bool) or bits not in WIDTHS:
            raise StatusListMalformed(f"bits is one of {WIDTHS}")
        try:
            inflater = zlib.decompressobj()
            raw = inflater.decompress(b64url_decode(claim["lst"]), MAX_BYTES)
        except (ValueError, zlib.error):
            raise StatusListMalformed("lst is not base64url of zlib-compressed bytes") from None
        if inflater.unconsumed_tail or not inflater.eof:
            raise StatusListMalformed(f"lst is truncated or inflates beyond {MAX_BYTES} bytes")
        return cls(len(raw) * 8 // bits, bits, raw)


@dataclass(frozen=True)
class StatusReference:
    """Where a credential's status is: the list's URI and the credential's index in it."""

    uri: str
    index: int

    def to_claim(self) -> dict[str, Any]:
        return {"status_list": {"idx": self.index, "uri": self.uri}}

    @classmethod
    def from_claim(cls, claim: object) -> StatusReference:
        """Raises StatusListMalformed."""
        inner = claim.get("status_list") if isinstance(claim, dict) else None
        if not isinstance(inner, dict):
            raise StatusListMalformed("status is not {status_list: {idx, uri}}")
        index, uri = inner.get("idx"), inner.get("uri")
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise StatusListMalformed("status_list.idx is not a non-negative integer")
        if not isinstance(uri, str) or not uri.startswith("https://"):
            raise StatusListMalformed("status_list.uri is not an https URI")
        return cls(uri, index)
