from __future__ import annotations

import hashlib
import random
import threading
from datetime import date

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from madoguchi.actor import Actor
from madoguchi.db.engine import is_postgres, transaction
from madoguchi.registry.access_log import (
    GENESIS,
    AccessRecord,
    LoggedRead,
    append,
    append_reads,
    utc_text,
)
from madoguchi.registry.access_models import AccessChainHead, AccessLogEntry
from madoguchi.registry.audit import verify_log
from madoguchi.registry.canonical import canonical_json
from madoguchi.vault import Vault

RECORD = AccessRecord(actor=Actor.staff("s-1", "保険年金課"), purpose="procedure:nhi-enrollment",
                      legal_basis="個人情報保護法第69条第2項第2号", my_number_basis=None, as_of=None)


def chain(session: Session, subject: str) -> list[AccessLogEntry]:
    return list(session.scalars(select(AccessLogEntry).where(AccessLogEntry.subject == subject)
                                .order_by(AccessLogEntry.seq)))


def test_each_entry_hashes_the_previous_hash_and_its_canonical_json(session: Session) -> None:
    append_reads(session, record=RECORD, reads=[("0000010014", ["nhi", "family_name"])])
    append_reads(session, record=RECORD, reads=[("0000010014", ["nhi"])])
    first, second = chain(session, "0000010014")
    assert first.prev_hash == GENESIS and second.prev_hash == first.hash
    assert first.items == ["family_name", "nhi"]  # sorted, so the same read hashes the same way
    for entry, prev in ((first, GENESIS), (second, first.hash)):
        canonical = rfc8785.dumps({
            "subject": entry.subject, "seq": entry.seq,
            "recorded_at": utc_text(entry.recorded_at), "actor": {"kind": "staff", "id": "s-1", "department": "保険年金課"},
            "purpose": "procedure:nhi-enrollment", "legal_basis": "個人情報保護法第69条第2項第2号",
            "my_number_basis": None, "items": entry.items, "as_of": None})
        assert entry.hash == hashlib.sha256(prev.encode() + canonical).hexdigest()
    head = session.get(AccessChainHead, "0000010014")
    assert head is not None and (head.seq, head.hash, head.pending) == (2, second.hash, True)


def test_a_read_of_several_people_appends_to_each_chain_separately(session: Session) -> None:
    append_reads(session, record=RECORD, reads=[("0000010022", ["nhi"]), ("0000010014", ["nhi"])])
    append_reads(session, record=RECORD, reads=[("0000010014", ["nhi"])])
    assert [e.seq for e in chain(session, "0000010014")] == [1, 2]
    assert [e.seq for e in chain(session, "0000010022")] == [1]


def test_concurrent_reads_of_one_resident_never_fork_the_chain(clean_engine: Engine, vault: Vault) -> None:
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(8):
                with transaction(clean_engine) as session:
                    append_reads(session, record=RECORD, reads=[("0000010014", ["nhi"])])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with transaction(clean_engine) as session:
        assert [e.seq for e in chain(session, "0000010014")] == list(range(1, 33))
        assert verify_log(session, vault.verify_key).ok


def test_concurrent_appends_of_overlapping_residents_neither_deadlock_nor_fork(
        clean_engine: Engine, vault: Vault) -> None:
    residents = ["0000010014", "0000010022", "0000010030", "0000010049"]
    errors: list[BaseException] = []

    def reader(seed: int) -> None:
        order = random.Random(seed)
        try:
            for _ in range(6):
                with transaction(clean_engine) as session:
                    append_reads(session, record=RECORD, reads=[(s, ["nhi"]) for s in order.sample(residents, 3)])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with transaction(clean_engine) as session:
        assert sum(len(chain(session, s)) for s in residents) == 4 * 6 * 3
        assert verify_log(session, vault.verify_key).ok


def test_a_held_chain_does_not_hold_up_reads_of_other_residents(clean_engine: Engine) -> None:
    if not is_postgres(clean_engine):
        pytest.skip("SQLite has one write lock for the whole file; row locks are PostgreSQL's")
    with transaction(clean_engine) as setup:
        append_reads(setup, record=RECORD, reads=[("0000010014", ["nhi"]), ("0000010022", ["nhi"])])
    with transaction(clean_engine) as holder:
        append_reads(holder, record=RECORD, reads=[("0000010014", ["nhi"])])  # holds 0000010014's head
        with transaction(clean_engine) as other:
            other.execute(text("SET LOCAL lock_timeout = '2s'"))
            append_reads(other, record=RECORD, reads=[("0000010022", ["nhi"])])
        with pytest.raises(OperationalError, match="lock timeout"), transaction(clean_engine) as same:
            same.execute(text("SET LOCAL lock_timeout = '100ms'"))
            append_reads(same, record=RECORD, reads=[("0000010014", ["nhi"])])


def test_an_entry_records_the_past_date_asked_for(session: Session) -> None:
    past = AccessRecord(actor=Actor.operator("ops"), purpose="self-view", legal_basis="x",
                        my_number_basis=None, as_of=date(2024, 4, 1))
    [entry] = append_reads(session, record=past, reads=[("0000010014", ["family_name"])])
    assert entry.as_of == date(2024, 4, 1)
    assert (entry.actor_kind, entry.actor_id, entry.department) == ("operator", "ops", None)


def test_one_append_writes_every_read_each_resident_in_order_in_their_own_chain(session: Session, vault: Vault) -> None:
    audit = AccessRecord(actor=Actor.staff("s-9", "監査室"), purpose="audit", legal_basis="y",
                         my_number_basis=None, as_of=None)
    append_reads(session, record=RECORD, reads=[("0000010014", ["nhi"])])
    written = append(session, [LoggedRead("0000010022", ["nhi"], RECORD), LoggedRead("0000010014", ["nhi"], RECORD),
                               LoggedRead("0000010014", ["access_log"], audit)])
    assert [(e.subject, e.seq, e.purpose) for e in written] == [
        ("0000010014", 2, "procedure:nhi-enrollment"), ("0000010014", 3, "audit"),
        ("0000010022", 1, "procedure:nhi-enrollment")]
    first, second, third = chain(session, "0000010014")
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    head = session.get(AccessChainHead, "0000010014")
    assert head is not None and (head.seq, head.hash) == (3, third.hash)
    assert verify_log(session, vault.verify_key).ok


TEXT = st.text(st.characters(codec="utf-8"))  # any text but lone surrogates, which neither encodes
ENTRY_LIKE = st.fixed_dictionaries({
    "subject": TEXT, "seq": st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1), "recorded_at": TEXT,
    "actor": st.fixed_dictionaries({"kind": TEXT, "id": TEXT, "department": st.none() | TEXT}),
    "purpose": TEXT, "legal_basis": TEXT, "my_number_basis": st.none() | TEXT,
    "items": st.lists(TEXT), "as_of": st.none() | TEXT,
}) | st.dictionaries(st.text(st.characters(max_codepoint=127)), st.none() | st.booleans() | TEXT | st.lists(TEXT))


@given(ENTRY_LIKE)
def test_the_canonical_json_of_a_logged_document_is_rfc_8785(document: dict[str, object]) -> None:
    assert canonical_json(document) == rfc8785.dumps(document)  # type: ignore[arg-type]
