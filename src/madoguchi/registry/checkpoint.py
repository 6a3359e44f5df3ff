"""Signed checkpoints over the access log's chain heads (as X-Road batches its timestamps).

A per-resident chain alone cannot show that its newest entries were cut off,
or that a whole chain was dropped. A checkpoint seals, with the vault's
Ed25519 key, every chain head that moved since the previous checkpoint, and
names the previous checkpoint's hash: once sealed, an entry cannot vanish
unnoticed. Sealing runs periodically beside the reads, never in their way.

The signed document is small — number, time, previous hash, and a digest of
the sealed heads (``checkpoint_heads``, in 宛名番号 order) — so a checkpoint
over many chains is verified by streaming its heads.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from datetime import UTC
from typing import Any, cast

import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.registry.access_log import GENESIS, utc_text
from madoguchi.registry.access_models import AccessChainHead, AccessCheckpoint, CheckpointHead
from madoguchi.vault import Vault


class HeadsDigest:
    """SHA-256 over the sealed heads' canonical JSON, one per line, fed in 宛名番号 order."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.count = 0

    def add(self, subject: str, seq: int, hash_: str) -> None:
        self._hash.update(rfc8785.dumps({"subject": subject, "seq": seq, "hash": hash_}) + b"\n")
        self.count += 1

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def checkpoint_document(checkpoint: AccessCheckpoint) -> dict[str, Any]:
    """What the signature covers."""
    return {
        "number": checkpoint.number,
        "created_at": utc_text(checkpoint.created_at),
        "previous_hash": checkpoint.previous_hash,
        "heads_count": checkpoint.heads_count,
        "heads_digest": checkpoint.heads_digest,
    }


def checkpoint_hash(checkpoint: AccessCheckpoint) -> str:
    return hashlib.sha256(rfc8785.dumps(checkpoint_document(checkpoint))).hexdigest()


def signer_fingerprint(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(key.public_bytes_raw()).hexdigest()


def signature_valid(checkpoint: AccessCheckpoint, key: Ed25519PublicKey) -> bool:
    try:
        signature = base64.urlsafe_b64decode(checkpoint.signature + "=" * (-len(checkpoint.signature) % 4))
        key.verify(signature, rfc8785.dumps(checkpoint_document(checkpoint)))
    except Exception:  # malformed or wrong: either way it does not verify
        return False
    return True


def seal_checkpoint(session: Session, *, vault: Vault) -> AccessCheckpoint | None:
    """Seal every chain head that moved since the last checkpoint; None when none moved.

    Flushes, never commits. A sealer running at the same moment makes one of
    the two fail on the checkpoint number at commit; the heads it read stay
    pending for the next checkpoint.
    """
    heads = session.execute(
        select(AccessChainHead.subject, AccessChainHead.seq, AccessChainHead.hash)
        .where(AccessChainHead.pending).order_by(AccessChainHead.subject)).all()
    if not heads:
        return None
    previous = session.scalars(
        select(AccessCheckpoint).order_by(AccessCheckpoint.number.desc()).limit(1)).one_or_none()
    digest = HeadsDigest()
    for subject, seq, hash_ in heads:
        digest.add(subject, seq, hash_)
    checkpoint = AccessCheckpoint(
        number=previous.number + 1 if previous is not None else 1,
        created_at=clock.now().astimezone(UTC),
        previous_hash=previous.hash if previous is not None else GENESIS,
        heads_count=digest.count, heads_digest=digest.hexdigest(),
        signer=signer_fingerprint(vault.verify_key),
    )
    checkpoint.hash = checkpoint_hash(checkpoint)
    checkpoint.signature = vault.sign(rfc8785.dumps(checkpoint_document(checkpoint)))
    session.add(checkpoint)
    session.flush()
    _record_sealed(session, checkpoint.number, heads)
    return checkpoint


def _record_sealed(session: Session, number: int, heads: Iterable[tuple[str, int, str]]) -> None:
    rows = [{"subject": s, "seq": q, "hash": h} for s, q, h in heads]
    session.execute(insert(CheckpointHead),
                    [{"checkpoint_number": number, **row} for row in rows])
    # A head that moved again while we sealed stays pending: compare with what was sealed.
    table = cast(Table, AccessChainHead.__table__)
    session.execute(
        update(table).where(table.c.subject == bindparam("b_subject"))
        .values(sealed_seq=bindparam("b_seq"), pending=table.c.seq != bindparam("b_seq")),
        [{"b_subject": row["subject"], "b_seq": row["seq"]} for row in rows])
