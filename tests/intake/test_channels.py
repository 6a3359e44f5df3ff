from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from madoguchi.intake.channels import (
    Channel,
    ChannelRegistry,
    Delivered,
    FileChannel,
    HttpChannel,
    Job,
    StepResult,
    Steps,
)
from madoguchi.intake.errors import (
    ChannelUnknown,
    DeliveryRefused,
    DeliveryRetryable,
    TargetInvalid,
)
from madoguchi.intake.reference_target import ReferenceTarget
from madoguchi.intake.targets import Target

from .factories import START, SimulatedClock, an_application


class MemorySteps:
    """Steps kept in a dict, as the ledger keeps them in the database."""

    def __init__(self) -> None:
        self.results: dict[str, StepResult] = {}

    def run(self, step: str, action: Callable[[], StepResult]) -> StepResult:
        if (stored := self.results.get(step)) is not None:
            return stored
        self.results[step] = action()
        return self.results[step]


def a_job(attempt: int = 1) -> Job:
    return Job(uuid.uuid4(), "child-support", "application", an_application(), START, attempt)


def test_a_channel_id_is_registered_once() -> None:
    registry = ChannelRegistry()

    @registry("carrier-pigeon")
    class Pigeon(Channel):
        def deliver(self, job: Job, target: Target, steps: Steps) -> Delivered:
            return Delivered()

    assert registry["carrier-pigeon"].id == "carrier-pigeon"
    with pytest.raises(ValueError, match="already registered"):
        registry("carrier-pigeon")(Pigeon)
    with pytest.raises(ChannelUnknown, match="carrier-pigeon"):
        registry["sftp"]


def test_http_posts_the_envelope_with_the_delivery_id_and_a_verifiable_signature(
        target: ReferenceTarget, monkeypatch: pytest.MonkeyPatch, sim_clock: SimulatedClock) -> None:
    monkeypatch.setenv("CHILD_SUPPORT_SECRET", "s3cret")
    job = a_job(attempt=3)
    delivered = HttpChannel(timeout=2).deliver(job, Target("child-support", "http", target.url,
                                                           "CHILD_SUPPORT_SECRET"), MemorySteps())
    assert delivered.http_status == 201
    [request] = target.received
    assert request.headers["idempotency-key"] == str(job.delivery_id)
    assert request.headers["x-madoguchi-attempt"] == "3"
    assert request.headers["x-madoguchi-timestamp"] == str(int(START.timestamp()))
    expected = hmac.new(b"s3cret", request.headers["x-madoguchi-timestamp"].encode() + b"." + request.body,
                        hashlib.sha256).hexdigest()
    assert request.headers["x-madoguchi-signature"] == f"sha256={expected}"
    envelope = json.loads(request.body)
    assert envelope == {"delivery_id": str(job.delivery_id), "department": "child-support",
                        "kind": "application", "created_at": START.isoformat(), "payload": an_application()}


def test_http_counts_already_have_it_as_delivered(target: ReferenceTarget) -> None:
    job, channel = a_job(), HttpChannel(timeout=2)
    http = Target("child-support", "http", target.url)
    channel.deliver(job, http, MemorySteps())
    assert channel.deliver(job, http, MemorySteps()).http_status == 409
    assert target.effects_by_id() == {str(job.delivery_id): 1}


def test_http_does_not_post_again_a_step_that_succeeded(target: ReferenceTarget) -> None:
    job, steps = a_job(), MemorySteps()
    http = Target("child-support", "http", target.url)
    HttpChannel(timeout=2).deliver(job, http, steps)
    HttpChannel(timeout=2).deliver(job, http, steps)
    assert target.requests_by_id() == {str(job.delivery_id): 1}


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
def test_http_retries_on_not_now_statuses(target: ReferenceTarget, status: int) -> None:
    target.fail_status, target.fail_headers = status, {"Retry-After": "120"}
    with pytest.raises(DeliveryRetryable) as failure:
        HttpChannel(timeout=2).deliver(a_job(), Target("child-support", "http", target.url), MemorySteps())
    assert (failure.value.http_status, failure.value.retry_after) == (status, 120.0)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 413, 422])
def test_http_refuses_for_good_on_other_client_errors(target: ReferenceTarget, status: int) -> None:
    target.fail_status = status
    with pytest.raises(DeliveryRefused) as failure:
        HttpChannel(timeout=2).deliver(a_job(), Target("child-support", "http", target.url), MemorySteps())
    assert failure.value.http_status == status
    assert failure.value.reason.startswith(f"HTTP {status} ") and "Failing on purpose" in failure.value.reason


def test_http_retries_a_target_that_is_down_or_too_slow(target: ReferenceTarget) -> None:
    http = Target("child-support", "http", target.url)
    target.delay = 1.0
    with pytest.raises(DeliveryRetryable, match="no answer within 0.2 s"):
        HttpChannel(timeout=0.2).deliver(a_job(), http, MemorySteps())
    target.stop()
    with pytest.raises(DeliveryRetryable, match="could not reach the target"):
        HttpChannel(timeout=0.2).deliver(a_job(), http, MemorySteps())


def test_http_waits_for_a_missing_signing_secret_without_sending(target: ReferenceTarget,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    with pytest.raises(DeliveryRetryable, match="NOT_SET_ANYWHERE is not set"):
        HttpChannel().deliver(a_job(), Target("child-support", "http", target.url, "NOT_SET_ANYWHERE"),
                              MemorySteps())
    assert target.received == []


@pytest.mark.parametrize("url", ["ftp://example.org/x", "not a url", "https://user:pw@example.org/in",
                                 "http:///nohost"])
def test_http_target_needs_a_plain_http_url(url: str) -> None:
    with pytest.raises(TargetInvalid):
        HttpChannel().check_target(Target("citizens", "http", url))


def test_file_drops_the_envelope_atomically_under_the_delivery_id(tmp_path: Path) -> None:
    job = a_job()
    FileChannel().deliver(job, Target("child-support", "file", str(tmp_path)), MemorySteps())
    assert [p.name for p in tmp_path.iterdir()] == [f"{job.delivery_id}.json"]
    assert json.loads((tmp_path / f"{job.delivery_id}.json").read_bytes())["payload"] == an_application()


def test_file_already_there_counts_as_delivered_and_is_left_alone(tmp_path: Path) -> None:
    job = a_job()
    (tmp_path / f"{job.delivery_id}.json").write_text("taken by the department's system")
    steps = MemorySteps()
    FileChannel().deliver(job, Target("child-support", "file", str(tmp_path)), steps)
    assert steps.results["write"]["already_there"] is True
    assert (tmp_path / f"{job.delivery_id}.json").read_text() == "taken by the department's system"


def test_file_retries_when_the_folder_is_not_there(tmp_path: Path) -> None:
    with pytest.raises(DeliveryRetryable, match="could not write to the drop folder"):
        FileChannel().deliver(a_job(), Target("child-support", "file", str(tmp_path / "unmounted")),
                              MemorySteps())


def test_file_target_needs_an_absolute_folder() -> None:
    with pytest.raises(TargetInvalid):
        FileChannel().check_target(Target("citizens", "file", "drops/citizens"))
