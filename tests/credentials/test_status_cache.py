"""Status lists are cached for their TTL; a failed fetch falls back only to a recent, unexpired copy."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from madoguchi import clock
from madoguchi.credentials import jose
from madoguchi.credentials.errors import CredentialRevoked, CredentialStatusUnavailable
from madoguchi.credentials.verify import VerifiedCredential

from .factories import NOW, World, a_world

KIND = "enrollment-certificate"


def check(world: World, credential: str) -> VerifiedCredential:
    """Present now (a key binding is only good for minutes) and verify."""
    return world.verify(world.present(credential), KIND)


def later(minutes: float) -> None:
    clock.freeze(NOW + timedelta(minutes=minutes))


@pytest.fixture
def school_list(world: World) -> str:
    return world.issuers["school"].status_uri


def test_a_fresh_list_is_fetched_once(world: World, school_list: str) -> None:
    credential = world.issue(KIND)
    check(world, credential)
    later(4)
    check(world, credential)
    assert world.server.fetched == [school_list]


def test_a_revocation_is_seen_once_the_cached_list_is_stale(world: World) -> None:
    credential = world.issue(KIND)
    check(world, credential)
    world.issuers["school"].revoke(0)
    later(4)
    assert check(world, credential).claims  # the cached list, still fresh, says valid
    later(6)
    with pytest.raises(CredentialRevoked):
        check(world, credential)


def test_the_issuers_ttl_wins_when_shorter_than_the_citys(tmp_path: Path) -> None:
    clock.freeze(NOW)
    world = a_world(tmp_path, ttl=timedelta(hours=1))  # the issuers publish ttl 5 minutes
    credential = world.issue(KIND)
    check(world, credential)
    later(6)
    check(world, credential)
    assert len(world.server.fetched) == 2


def test_a_recent_copy_is_used_while_the_issuer_is_down(world: World, school_list: str,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    credential = world.issue(KIND)
    check(world, credential)
    world.server.down.add(school_list)
    later(30)
    with caplog.at_level(logging.WARNING, logger="madoguchi.credentials.status_cache"):
        assert check(world, credential).claims
    assert len(world.server.fetched) == 2
    assert "HTTP 503" in caplog.text and "using the copy fetched at" in caplog.text


def test_a_copy_older_than_max_stale_is_not_used(world: World, school_list: str) -> None:
    credential = world.issue(KIND)
    check(world, credential)
    world.server.down.add(school_list)
    later(61)
    with pytest.raises(CredentialStatusUnavailable, match="no recent copy"):
        check(world, credential)


def test_a_copy_past_its_own_exp_is_not_used(tmp_path: Path) -> None:
    clock.freeze(NOW)
    world = a_world(tmp_path, max_stale=timedelta(days=7))  # lists expire after a day
    credential = world.issue(KIND)
    check(world, credential)
    world.server.down.add(world.issuers["school"].status_uri)
    later(60 * 23)
    assert check(world, credential).claims
    later(60 * 25)
    with pytest.raises(CredentialStatusUnavailable):
        check(world, credential)


def test_the_issuer_coming_back_refreshes_the_copy(world: World, school_list: str) -> None:
    credential = world.issue(KIND)
    check(world, credential)
    world.server.down.add(school_list)
    later(10)
    check(world, credential)
    world.server.down.clear()
    world.issuers["school"].revoke(0)
    later(11)
    with pytest.raises(CredentialRevoked):
        check(world, credential)


def test_a_list_signed_by_another_key_is_not_used(world: World) -> None:
    credential = world.issue(KIND)
    world.issuers["school"].key = jose.generate_key()  # the list is now signed by a key the city lacks
    with pytest.raises(CredentialStatusUnavailable, match="trust registry does not hold"):
        check(world, credential)


def test_a_list_published_for_another_uri_is_not_used(world: World) -> None:
    credential = world.issue(KIND)
    world.issuers["school"].status_uri = "https://school.test.example/status/2"  # served at /1, sub /2
    with pytest.raises(CredentialStatusUnavailable, match="another URI"):
        check(world, credential)


def test_an_answer_that_is_no_jwt_is_not_used(world: World, school_list: str) -> None:
    credential = world.issue(KIND)
    world.server.replies[school_list] = "<html>busy</html>"
    with pytest.raises(CredentialStatusUnavailable, match="not a readable JWS"):
        check(world, credential)


def test_a_cached_list_answers_only_for_its_own_issuer(world: World, school_list: str) -> None:
    check(world, world.issue(KIND))  # the school's list is now cached
    world.issuers["employer"].status_uri = school_list  # the employer points at the school's list
    credential = world.issue("employment-certificate")
    with pytest.raises(CredentialStatusUnavailable, match="does not hold"):
        world.verify(world.present(credential), "employment-certificate")
