"""Verification of the access log: every chain recomputed, every checkpoint checked.

The log is read as sorted streams merged by 宛名番号 — entries, chain heads,
sealed heads — so memory stays bounded by one resident's history, however
large the log. Problems are reported in that order (residents by 宛名番号,
each chain from its start, then the checkpoints); the first one is the
first broken entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from madoguchi.registry.access_log import GENESIS, chain_hash, entry_document
from madoguchi.registry.access_models import (
    AccessChainHead,
    AccessCheckpoint,
    AccessLogEntry,
    CheckpointHead,
)
from madoguchi.registry.checkpoint import HeadsDigest, checkpoint_hash, signature_valid

STREAM_BATCH = 1000
PROBLEM_LIMIT = 100


@dataclass(frozen=True)
class LogProblem:
    reason: str
    subject: str | None = None
    seq: int | None = None
    entry_id: int | None = None
    checkpoint: int | None = None

    def describe(self) -> str:
        where = []
        if self.checkpoint is not None:
            where.append(f"checkpoint {self.checkpoint}")
        if self.subject is not None:
            where.append(f"chain {self.subject}")
        if self.seq is not None:
            where.append(f"entry {self.seq}")
        if self.entry_id is not None:
            where.append(f"(row {self.entry_id})")
        return f"{' '.join(where)}: {self.reason}"


@dataclass
class VerifyResult:
    chains: int = 0
    entries: int = 0
    checkpoints: int = 0
    problems: list[LogProblem] = field(default_factory=list)
    """The first problems found (at most PROBLEM_LIMIT), in log order."""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> LogProblem | None:
        return self.problems[0] if self.problems else None

    def add(self, problem: LogProblem) -> None:
        if len(self.problems) < PROBLEM_LIMIT:
            self.problems.append(problem)


def verify_log(session: Session, verify_key: Ed25519PublicKey) -> VerifyResult:
    """Recompute every resident's chain and check every checkpoint against ``verify_key``."""
    result = VerifyResult()
    entries = _grouped(session, select(AccessLogEntry).order_by(
        AccessLogEntry.subject, AccessLogEntry.seq, AccessLogEntry.id))
    heads = _grouped(session, select(AccessChainHead).order_by(AccessChainHead.subject))
    sealed = _grouped(session, select(CheckpointHead).order_by(
        CheckpointHead.subject, CheckpointHead.seq, CheckpointHead.checkpoint_number))
    for subject, (chain, head, seals) in _merge(entries, heads, sealed):
        result.chains += 1
        result.entries += len(chain)
        _verify_chain(subject, chain, head, seals, result)
    _verify_checkpoints(session, verify_key, result)
    return result


def _grouped(session: Session, statement: Select[Any]) -> Iterator[tuple[str, list[Any]]]:
    rows = session.scalars(statement.execution_options(yield_per=STREAM_BATCH, populate_existing=True))
    for subject, group in groupby(rows, key=lambda row: row.subject):
        yield subject, list(group)


def _merge(*streams: Iterator[tuple[str, list[Any]]]) -> Iterator[tuple[str, list[list[Any]]]]:
    """Join streams sorted by subject: each subject once, with its rows from every stream."""
    current = [next(stream, None) for stream in streams]
    while any(c is not None for c in current):
        subject = min(c[0] for c in current if c is not None)
        rows: list[list[Any]] = []
        for i, stream in enumerate(streams):
            item = current[i]
            if item is not None and item[0] == subject:
                rows.append(item[1])
                current[i] = next(stream, None)
            else:
                rows.append([])
        yield subject, rows


def _verify_chain(subject: str, chain: list[AccessLogEntry], heads: list[AccessChainHead],
                  seals: list[CheckpointHead], result: VerifyResult) -> None:
    prev_hash, expected_seq = GENESIS, 1
    for entry in chain:
        problem = None
        if entry.seq != expected_seq:
            problem = (f"entry {expected_seq} is missing" if entry.seq > expected_seq
                       else "out of order")
        elif entry.prev_hash != prev_hash:
            problem = "does not follow the entry before it"
        elif chain_hash(entry.prev_hash, entry_document(entry)) != entry.hash:
            problem = "its content was altered"
        if problem is not None:
            result.add(LogProblem(problem, subject, entry.seq, entry.id))
        prev_hash, expected_seq = entry.hash, entry.seq + 1
    last_seq, last_hash = (chain[-1].seq, chain[-1].hash) if chain else (0, GENESIS)
    head = heads[0] if heads else None
    if head is None and chain:
        result.add(LogProblem("the chain has no head", subject, last_seq))
    elif head is not None and (head.seq, head.hash) != (last_seq, last_hash):
        result.add(LogProblem(f"the chain ends at entry {last_seq}, its head says {head.seq}",
                              subject, head.seq))
    hashes = {entry.seq: entry.hash for entry in chain}
    for seal in seals:
        if hashes.get(seal.seq) != seal.hash:
            state = "is missing" if seal.seq not in hashes else "differs from what was sealed"
            result.add(LogProblem(f"sealed by checkpoint {seal.checkpoint_number}, {state}",
                                  subject, seal.seq, checkpoint=seal.checkpoint_number))


def _verify_checkpoints(session: Session, key: Ed25519PublicKey, result: VerifyResult) -> None:
    checkpoints = session.scalars(select(AccessCheckpoint).order_by(AccessCheckpoint.number)
                                  .execution_options(yield_per=STREAM_BATCH, populate_existing=True))
    sealed = session.scalars(select(CheckpointHead).order_by(
        CheckpointHead.checkpoint_number, CheckpointHead.subject)
        .execution_options(yield_per=STREAM_BATCH, populate_existing=True))
    by_checkpoint = groupby(sealed, key=lambda head: head.checkpoint_number)
    pending = next(by_checkpoint, None)
    previous_hash, expected = GENESIS, 1
    for checkpoint in checkpoints:
        result.checkpoints += 1
        digest = HeadsDigest()
        while pending is not None and pending[0] <= checkpoint.number:
            if pending[0] == checkpoint.number:
                for head in pending[1]:
                    digest.add(head.subject, head.seq, head.hash)
            else:
                result.add(LogProblem("sealed heads of a checkpoint that does not exist",
                                      checkpoint=pending[0]))
            pending = next(by_checkpoint, None)
        for problem in _checkpoint_problems(checkpoint, key, digest, previous_hash, expected):
            result.add(LogProblem(problem, checkpoint=checkpoint.number))
        previous_hash, expected = checkpoint.hash, checkpoint.number + 1
    if pending is not None:
        result.add(LogProblem("sealed heads of a checkpoint that does not exist", checkpoint=pending[0]))


def _checkpoint_problems(checkpoint: AccessCheckpoint, key: Ed25519PublicKey, digest: HeadsDigest,
                         previous_hash: str, expected: int) -> list[str]:
    problems = []
    if checkpoint.number != expected:
        problems.append(f"checkpoint {expected} is missing")
    if checkpoint.previous_hash != previous_hash:
        problems.append("does not follow the checkpoint before it")
    if checkpoint_hash(checkpoint) != checkpoint.hash:
        problems.append("its content was altered")
    if not signature_valid(checkpoint, key):
        problems.append("its signature does not verify")
    if (digest.count, digest.hexdigest()) != (checkpoint.heads_count, checkpoint.heads_digest):
        problems.append("its sealed heads differ from what was signed")
    return problems
