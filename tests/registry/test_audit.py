from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from madoguchi.actor import Actor
from madoguchi.registry.access_log import AccessRecord, append_reads
from madoguchi.registry.access_models import (
    AccessChainHead,
    AccessCheckpoint,
    AccessLogEntry,
    CheckpointHead,
)
from madoguchi.registry.audit import VerifyResult, verify_log
from madoguchi.registry.checkpoint import seal_checkpoint
from madoguchi.vault import Vault

RECORD = AccessRecord(actor=Actor.system("portal", "市民課"), purpose="procedure:nhi-enrollment",
                      legal_basis="個人情報保護法第69条第2項第2号", my_number_basis=None, as_of=None)
ALICE, BOB, CAROL = "0000010014", "0000010022", "0000010030"


def read(session: Session, *subjects: str) -> None:
    append_reads(session, record=RECORD, reads=[(s, ["family_name"]) for s in subjects])


def a_log(session: Session, vault: Vault) -> None:
    """Three chains: four reads of Alice, two of Bob and Carol, a checkpoint after the first three rounds."""
    for _ in range(3):
        read(session, ALICE)
    read(session, BOB, CAROL)
    seal_checkpoint(session, vault=vault)
    read(session, ALICE)
    read(session, BOB, CAROL)


def entry_id(session: Session, subject: str, seq: int) -> int:
    return session.scalars(select(AccessLogEntry.id).where(
        AccessLogEntry.subject == subject, AccessLogEntry.seq == seq)).one()


def first(result: VerifyResult) -> tuple[str | None, int | None, str]:
    problem = result.first_problem
    assert problem is not None, "the tampering went unnoticed"
    return problem.subject, problem.seq, problem.reason


def test_an_intact_log_verifies(session: Session, vault: Vault) -> None:
    a_log(session, vault)
    result = verify_log(session, vault.verify_key)
    assert result.ok, result.problems
    assert (result.chains, result.entries, result.checkpoints) == (3, 8, 1)


def test_an_edited_entry_is_named(session: Session, vault: Vault) -> None:
    a_log(session, vault)
    session.execute(update(AccessLogEntry).where(AccessLogEntry.id == entry_id(session, ALICE, 2))
                    .values(purpose="self-view"))
    assert first(verify_log(session, vault.verify_key)) == (ALICE, 2, "its content was altered")


def test_a_deleted_entry_is_named_by_the_entry_after_it(session: Session, vault: Vault) -> None:
    a_log(session, vault)
    session.execute(delete(AccessLogEntry).where(AccessLogEntry.id == entry_id(session, ALICE, 2)))
    assert first(verify_log(session, vault.verify_key)) == (ALICE, 3, "entry 2 is missing")


def test_two_reordered_entries_are_detected_at_the_first_of_them(session: Session, vault: Vault) -> None:
    a_log(session, vault)
    second, third = entry_id(session, ALICE, 2), entry_id(session, ALICE, 3)
    for row, seq in ((second, -1), (third, 2), (second, 3)):
        session.execute(update(AccessLogEntry).where(AccessLogEntry.id == row).values(seq=seq))
    assert first(verify_log(session, vault.verify_key)) == (ALICE, 2, "does not follow the entry before it")


def test_a_truncated_tail_after_a_checkpoint_is_detected(session: Session, vault: Vault) -> None:
    a_log(session, vault)
    # Alice's entries 3 and 4 are cut, and her head is set back to entry 2 to hide it.
    session.execute(delete(AccessLogEntry).where(AccessLogEntry.subject == ALICE, AccessLogEntry.seq >= 3))
    kept = session.scalars(select(AccessLogEntry.hash).where(
        AccessLogEntry.subject == ALICE, AccessLogEntry.seq == 2)).one()
    session.execute(update(AccessChainHead).where(AccessChainHead.subject == ALICE).values(seq=2, hash=kept))
    assert first(verify_log(session, vault.verify_key)) == (
        ALICE, 3, "sealed by checkpoint 1, is missing")


def test_a_dropped_chain_is_detected(session: Session, vault: Vault) -> None:
    a_log(session, vault)
    session.execute(delete(AccessLogEntry).where(AccessLogEntry.subject == BOB))
    session.execute(delete(AccessChainHead).where(AccessChainHead.subject == BOB))
    assert first(verify_log(session, vault.verify_key)) == (BOB, 1, "sealed by checkpoint 1, is missing")


def test_a_deleted_newest_entry_disagrees_with_the_chain_head(session: Session, vault: Vault) -> None:
    a_log(session, vault)
    session.execute(delete(AccessLogEntry).where(AccessLogEntry.subject == CAROL, AccessLogEntry.seq == 2))
    assert first(verify_log(session, vault.verify_key)) == (CAROL, 2, "the chain ends at entry 1, its head says 2")


def test_a_forged_checkpoint_signature_is_detected(session: Session, vault: Vault) -> None:
    a_log(session, vault)
    forger = Vault(vault.active_key_id, vault.data_keys, vault.lookup_key, Ed25519PrivateKey.generate())
    checkpoint = session.get(AccessCheckpoint, 1)
    assert checkpoint is not None
    checkpoint.signature = forger.sign(b"anything")
    session.flush()
    problem = verify_log(session, vault.verify_key).first_problem
    assert problem is not None
    assert (problem.checkpoint, problem.reason) == (1, "its signature does not verify")


def test_a_log_verified_with_another_key_fails(session: Session, vault: Vault) -> None:
    a_log(session, vault)
    assert not verify_log(session, Ed25519PrivateKey.generate().public_key()).ok


def test_an_altered_sealed_head_breaks_the_checkpoint(session: Session, vault: Vault) -> None:
    a_log(session, vault)
    session.execute(update(CheckpointHead).where(CheckpointHead.subject == CAROL).values(seq=7))
    reasons = {p.reason for p in verify_log(session, vault.verify_key).problems}
    assert "its sealed heads differ from what was signed" in reasons


def test_a_checkpoint_seals_only_the_heads_that_moved(session: Session, vault: Vault) -> None:
    assert seal_checkpoint(session, vault=vault) is None  # nothing to seal
    read(session, ALICE, BOB)
    one = seal_checkpoint(session, vault=vault)
    assert seal_checkpoint(session, vault=vault) is None
    read(session, BOB)
    two = seal_checkpoint(session, vault=vault)
    assert one is not None and two is not None
    assert (one.number, one.heads_count, two.number, two.heads_count) == (1, 2, 2, 1)
    assert two.previous_hash == one.hash
    sealed = session.execute(select(CheckpointHead.subject, CheckpointHead.seq)
                             .where(CheckpointHead.checkpoint_number == 2)).all()
    assert [tuple(row) for row in sealed] == [(BOB, 2)]
    assert verify_log(session, vault.verify_key).ok


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reads=st.lists(st.sampled_from([ALICE, BOB, CAROL]), min_size=1, max_size=12),
       seal_after=st.integers(min_value=0, max_value=12), victim=st.integers(min_value=0))
def test_any_edited_entry_is_found_however_the_log_grew(
        session: Session, vault: Vault, reads: list[str], seal_after: int, victim: int) -> None:
    savepoint = session.begin_nested()
    try:
        for i, subject in enumerate(reads):
            read(session, subject)
            if i == seal_after:
                seal_checkpoint(session, vault=vault)
        assert verify_log(session, vault.verify_key).ok
        ids = list(session.scalars(select(AccessLogEntry.id).order_by(AccessLogEntry.id)))
        target = session.get(AccessLogEntry, ids[victim % len(ids)])
        assert target is not None
        session.execute(update(AccessLogEntry).where(AccessLogEntry.id == target.id).values(items=["my_number"]))
        assert first(verify_log(session, vault.verify_key)) == (target.subject, target.seq, "its content was altered")
    finally:
        savepoint.rollback()
