from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from madoguchi.intake.channels import ChannelRegistry
from madoguchi.intake.errors import ChannelUnknown, TargetInvalid
from madoguchi.intake.targets import Target, list_targets, set_target, targets_for

from .factories import OPERATOR, SimulatedClock


def test_a_department_without_a_target_gets_the_inbox(session: Session, channels: ChannelRegistry) -> None:
    set_target(session, actor=OPERATOR, target=Target("child-support", "http", "https://k.example/in"),
               channels=channels)
    assert targets_for(session, ["child-support", "citizens"]) == {
        "child-support": Target("child-support", "http", "https://k.example/in"),
        "citizens": Target("citizens", "inbox")}


def test_setting_a_target_again_replaces_it_and_records_who(session: Session, channels: ChannelRegistry,
                                                           sim_clock: SimulatedClock) -> None:
    set_target(session, actor=OPERATOR, target=Target("citizens", "http", "https://old.example/in"),
               channels=channels)
    set_target(session, actor=OPERATOR, target=Target("citizens", "file", "/srv/drop/citizens"),
               channels=channels)
    [configured] = list_targets(session)
    assert configured.target == Target("citizens", "file", "/srv/drop/citizens")
    assert (configured.updated_by, configured.updated_at) == ("ops", sim_clock.now)


def test_a_target_is_checked_by_its_channel(session: Session, channels: ChannelRegistry) -> None:
    with pytest.raises(ChannelUnknown):
        set_target(session, actor=OPERATOR, target=Target("citizens", "sftp", "sftp://x"), channels=channels)
    with pytest.raises(TargetInvalid):
        set_target(session, actor=OPERATOR, target=Target("citizens", "inbox", "/srv/drop"), channels=channels)
    with pytest.raises(TargetInvalid):
        set_target(session, actor=OPERATOR, target=Target("citizens", "http", "https://x.example/in", "bad name"),
                   channels=channels)
    assert list_targets(session) == []
