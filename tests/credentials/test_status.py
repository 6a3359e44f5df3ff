"""The Token Status List format: the spec's examples, round trips, and what is refused."""

from __future__ import annotations

import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from madoguchi.credentials.sdjwt import b64url, b64url_decode
from madoguchi.credentials.status import (
    MAX_BYTES,
    StatusList,
    StatusListMalformed,
    StatusReference,
)


def test_reads_the_specs_one_bit_example() -> None:
    statuses = StatusList.from_claim({"bits": 1, "lst": "eNrbuRgAAhcBXQ"})
    assert [statuses[i] for i in range(16)] == [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]


def test_reads_the_specs_two_bit_example() -> None:
    statuses = StatusList.from_claim({"bits": 2, "lst": "eNo76fITAAPfAgc"})
    assert [statuses[i] for i in range(12)] == [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]


def test_writes_the_specs_bytes() -> None:
    statuses = StatusList(16)
    for i, status in enumerate([1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]):
        statuses[i] = status
    assert zlib.decompress(b64url_decode(statuses.to_claim()["lst"])) == bytes([0xB9, 0xA3])


@settings(max_examples=50, deadline=None)
@given(st.sampled_from([1, 2, 4, 8]).flatmap(
    lambda bits: st.tuples(st.just(bits), st.lists(st.integers(0, (1 << bits) - 1), min_size=1, max_size=300))))
def test_encode_then_decode_gives_back_every_status(case: tuple[int, list[int]]) -> None:
    bits, values = case
    statuses = StatusList(len(values), bits)
    for i, status in enumerate(values):
        statuses[i] = status
    decoded = StatusList.from_claim(statuses.to_claim())
    assert decoded.bits == bits
    assert [decoded[i] for i in range(len(values))] == values
    assert all(decoded[i] == 0 for i in range(len(values), decoded.size))


def test_a_status_wider_than_the_list_is_refused() -> None:
    with pytest.raises(ValueError, match="0–1"):
        StatusList(8)[0] = 2


def test_an_index_outside_the_list_is_refused() -> None:
    with pytest.raises(IndexError):
        StatusList(8)[8]  # noqa: B018 -- the read is the test


@pytest.mark.parametrize("claim", [
    None, {"bits": 1}, {"bits": 3, "lst": "eNrbuRgAAhcBXQ"}, {"bits": True, "lst": "eNrbuRgAAhcBXQ"},
    {"bits": 1, "lst": "not base64!"}, {"bits": 1, "lst": b64url(b"not zlib")},
    {"bits": 1, "lst": b64url(zlib.compress(b"\x00" * 100)[:-3])},
])
def test_malformed_lists_are_refused(claim: object) -> None:
    with pytest.raises(StatusListMalformed):
        StatusList.from_claim(claim)


def test_a_list_that_inflates_too_far_is_refused_without_inflating_it() -> None:
    bomb = b64url(zlib.compress(b"\x00" * (MAX_BYTES + 1)))
    assert len(bomb) < 10_000
    with pytest.raises(StatusListMalformed, match="inflates beyond"):
        StatusList.from_claim({"bits": 1, "lst": bomb})


def test_a_reference_reads_back() -> None:
    reference = StatusReference("https://hospital.example/status/1", 42)
    assert StatusReference.from_claim(reference.to_claim()) == reference


@pytest.mark.parametrize("claim", [
    None, {"status_list": None}, {"status_list": {"idx": -1, "uri": "https://a.example/s"}},
    {"status_list": {"idx": True, "uri": "https://a.example/s"}},
    {"status_list": {"idx": 1, "uri": "http://a.example/s"}},
    {"status_list": {"idx": 1}},
])
def test_malformed_references_are_refused(claim: object) -> None:
    with pytest.raises(StatusListMalformed):
        StatusReference.from_claim(claim)

