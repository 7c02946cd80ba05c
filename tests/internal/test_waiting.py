"""The poll engine: schedule, deadlines, failures, transient errors, progress lines."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import jmespath
import pytest
from botocore.exceptions import ClientError

from pulumi_aws_mlops._internal import waiting
from pulumi_aws_mlops._internal.errors import ResourceFailedError, WaitTimeoutError
from pulumi_aws_mlops._internal.timeouts import Deadline
from pulumi_aws_mlops._internal.waiting import Schedule, load_waiters
from pulumi_aws_mlops.emulator import Clock
from pulumi_aws_mlops.lookoutequipment.waiters import WAITERS as LOOKOUT_EQUIPMENT_WAITERS
from pulumi_aws_mlops.sagemaker.waiters import WAITERS as SAGEMAKER_WAITERS

WAITERS = load_waiters({
    "Done": {
        "operation": "DescribeThing", "delay": 0, "maxAttempts": 0, "description": "work",
        "typicalSeconds": 3600, "reasonPaths": ["FailedReason"],
        "acceptors": [
            {"matcher": "path", "argument": "Status", "expected": "SUCCESS", "state": "success"},
            {"matcher": "path", "argument": "Status", "expected": "FAILED", "state": "failure"},
            {"matcher": "path", "argument": "Status", "expected": "IN_PROGRESS", "state": "retry"},
            {"matcher": "error", "expected": "ResourceNotFoundException", "state": "failure"},
        ],
    },
})


class FakeService:
    """A describe call whose status turns to `final` at `finishes_at` on the virtual clock."""

    def __init__(self, clock: Clock, finishes_at: float, final: str = "SUCCESS", errors: list[str] | None = None):
        self.clock, self.finishes_at, self.final = clock, finishes_at, final
        self.calls: list[float] = []
        self.errors = list(errors or [])

    def describe_thing(self, **_: Any) -> dict[str, Any]:
        self.calls.append(self.clock.elapsed())
        if self.errors:
            code = self.errors.pop(0)
            raise ClientError({"Error": {"Code": code, "Message": code}}, "DescribeThing")
        done = self.clock.elapsed() >= self.finishes_at
        return {"Status": self.final if done else "IN_PROGRESS", "FailedReason": "column 'x' is missing"}


def run(finishes_at: float, typical: float, timeout: float = 10 * 3600, **kwargs: Any) -> tuple[FakeService, Any]:
    clock = Clock()
    service = FakeService(clock, finishes_at, **kwargs)
    waiter = dataclasses.replace(WAITERS["Done"], typical_seconds=typical)
    with waiting.time_source(clock.elapsed, clock.advance, seed=1):
        deadline = Deadline.starting(clock.elapsed(), "create", timeout)
        result = waiting.wait(service, waiter, {}, deadline=deadline, subject="thing 't'")
    return service, result


def test_one_hour_operation_costs_at_most_60_calls_and_30_seconds_of_lag() -> None:
    for typical in (2700.0, 3600.0):
        service, result = run(finishes_at=3600, typical=typical)
        lag = service.calls[-1] - 3600
        assert len(service.calls) <= 60, (typical, len(service.calls))
        assert 0 <= lag <= 30
        assert result.polls == len(service.calls)


def test_thirty_second_transition_is_noticed_within_three_seconds() -> None:
    service, _ = run(finishes_at=30, typical=30)
    assert service.calls[-1] - 30 <= 3


def test_early_finish_is_noticed_within_a_sixth_of_the_typical_duration() -> None:
    service, _ = run(finishes_at=600, typical=2700)
    assert service.calls[-1] - 600 <= 2700 / 6 * 1.1


def test_failure_carries_the_service_reason() -> None:
    with pytest.raises(ResourceFailedError, match="work failed \\(FAILED\\): column 'x' is missing"):
        run(finishes_at=100, typical=60, final="FAILED")


def test_deadline_says_what_was_pending_and_how_to_wait_longer() -> None:
    with pytest.raises(WaitTimeoutError) as raised:
        run(finishes_at=7200, typical=600, timeout=1800)
    message = str(raised.value)
    assert "timed out after 30m00s waiting for work; still IN_PROGRESS" in message
    assert "timeouts" in message and "resumes" in message
    assert raised.value.last_state == "IN_PROGRESS"
    assert raised.value.elapsed == pytest.approx(1800)


def test_wait_errors_carry_the_last_state_and_the_expected_ones() -> None:
    with pytest.raises(WaitTimeoutError) as timed_out:
        run(finishes_at=7200, typical=600, timeout=1800)
    assert (timed_out.value.last_state, timed_out.value.expected_states) == ("IN_PROGRESS", ("SUCCESS",))
    with pytest.raises(ResourceFailedError) as failed:
        run(finishes_at=100, typical=60, final="FAILED")
    assert (failed.value.last_state, failed.value.expected_states) == ("FAILED", ("SUCCESS",))
    explained = failed.value.explained(". Fix it")
    assert isinstance(explained, ResourceFailedError) and str(explained).endswith("column 'x' is missing. Fix it")
    assert (explained.last_state, explained.expected_states) == ("FAILED", ("SUCCESS",))


def test_the_deadline_is_shared_by_the_waits_of_an_operation() -> None:
    clock = Clock()
    deadline = Deadline.starting(clock.elapsed(), "update", 600)
    clock.advance(450)
    service = FakeService(clock, finishes_at=7200)
    with waiting.time_source(clock.elapsed, clock.advance, seed=1), pytest.raises(WaitTimeoutError) as raised:
        waiting.wait(service, WAITERS["Done"], {}, deadline=deadline, subject="thing 't'")
    assert raised.value.elapsed == pytest.approx(150), "what the earlier waits left of the 10 minutes"
    assert "timeouts={'update': '20m00s'}" in str(raised.value), "twice the whole entry, not twice what was left"


def test_throttling_that_outlived_botocore_retries_does_not_end_the_wait() -> None:
    service, result = run(finishes_at=0, typical=60, errors=["ThrottlingException", "InternalServerException"])
    assert len(service.calls) == 3
    assert result.polls == 3


def test_unexpected_error_is_raised() -> None:
    with pytest.raises(ClientError, match="AccessDeniedException"):
        run(finishes_at=0, typical=60, errors=["AccessDeniedException"])


def test_error_acceptor_decides() -> None:
    with pytest.raises(ResourceFailedError):
        run(finishes_at=0, typical=60, errors=["ResourceNotFoundException"])


def test_progress_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="pulumi_aws_mlops")
    run(finishes_at=3600, typical=3600)
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == "thing 't': work: IN_PROGRESS, 0s elapsed"
    assert any("elapsed" in line and "IN_PROGRESS" in line for line in lines[1:-1])
    assert lines[-1].startswith("thing 't': work done (SUCCESS) after 1h00m")
    assert 5 <= len(lines) <= 15


def test_schedule_never_exceeds_lag_once_settled() -> None:
    schedule = Schedule(typical_seconds=3600)
    rng = random.Random(0)
    assert all(schedule.next_delay(e, 30.0, rng) <= 30 for e in range(3100, 9000, 97))


def test_poll_until_backs_off_and_gives_up_at_its_window() -> None:
    """A short wait for what an eventually consistent service shows soon: delays double up to a cap, within a window."""
    clock = Clock()
    probes: list[float] = []

    def appears_at(moment: float) -> Any:
        def probe() -> str | None:
            probes.append(clock.elapsed())
            return "seen" if clock.elapsed() >= moment else None
        return probe

    with waiting.time_source(clock.elapsed, clock.advance):
        assert waiting.poll_until(appears_at(20), within=120) == "seen"
        assert probes == [0, 1, 3, 7, 15, 30], "1, 2, 4, 8, then at most 15 seconds apart"
        probes.clear()
        started = clock.elapsed()
        assert waiting.poll_until(appears_at(10_000), within=120) is None
        assert probes[-1] - started == 120, "the last look is at the end of the window"
        probes.clear()
        assert waiting.poll_until(appears_at(10_000), within=0) is None
        assert len(probes) == 1, "no window: one look"


class SlowToAnswer(FakeService):
    """An answer that takes `answer_seconds` on its way and tells of the moment the poll was sent (as the emulator
    does, which pins its clock for a request): a loaded machine, or an emulator running at 3600x."""

    def __init__(self, clock: Clock, finishes_at: float, answer_seconds: float) -> None:
        super().__init__(clock, finishes_at)
        self.answer_seconds = answer_seconds

    def describe_thing(self, **kwargs: Any) -> dict[str, Any]:
        answer = super().describe_thing(**kwargs)
        self.clock.advance(self.answer_seconds)
        return answer


def test_only_a_poll_sent_after_the_deadline_may_say_it_passed() -> None:
    clock = Clock()
    # Done at 100 s; every answer is 400 s on its way: the first one, sent at 0, arrives past the 300 s deadline.
    service = SlowToAnswer(clock, finishes_at=100, answer_seconds=400)
    waiter = dataclasses.replace(WAITERS["Done"], typical_seconds=60)
    with waiting.time_source(clock.elapsed, clock.advance, seed=1):
        deadline = Deadline.starting(clock.elapsed(), "create", 300)
        result = waiting.wait(service, waiter, {}, deadline=deadline, subject="thing 't'")
    assert result.response["Status"] == "SUCCESS" and service.calls == [0, 400], \
        "the late answer said IN_PROGRESS of time 0; one more poll, sent past the deadline, found it done"

    clock = Clock()
    service = SlowToAnswer(clock, finishes_at=10_000, answer_seconds=400)
    with waiting.time_source(clock.elapsed, clock.advance, seed=1), pytest.raises(WaitTimeoutError) as raised:
        waiting.wait(service, waiter, {}, deadline=Deadline.starting(clock.elapsed(), "create", 300),
                     subject="thing 't'")
    assert service.calls == [0, 400] and raised.value.last_state == "IN_PROGRESS", \
        "a poll sent past the deadline that still sees it pending ends the wait"


def _responses(waiter: waiting.Waiter) -> list[dict[str, Any]]:
    """Every answer an acceptor names, one no acceptor names, and errors, with the paths acceptors read."""
    answers: list[dict[str, Any]] = [{"Error": {"Code": "SomethingElse", "Message": "?"}}, {}]
    for acceptor in waiter.acceptors:
        if acceptor.matcher == "error":
            answers.append({"Error": {"Code": acceptor.expected, "Message": "..."}})
        elif acceptor.matcher == "path":
            path = acceptor.argument.split(".")
            for value in (acceptor.expected, "NOT_A_STATUS"):
                answer: dict[str, Any] = {}
                node = answer
                for key in path[:-1]:
                    node = node.setdefault(key, {})
                node[path[-1]] = value
                answers.append(answer)
    return answers


@pytest.mark.parametrize(
    "waiter", [*LOOKOUT_EQUIPMENT_WAITERS.values(), *SAGEMAKER_WAITERS.values(), WAITERS["Done"]], ids=lambda w: w.name)
def test_a_waiter_decides_every_answer_as_botocore_s_acceptors_do(waiter: waiting.Waiter) -> None:
    for response in _responses(waiter):
        botocore_state = next((a.state for a in waiter.config.acceptors if a.matcher_func(response)), None)
        assert waiter.read(response)[0] == botocore_state, response


@pytest.mark.parametrize("expression", ["Status", "ModelVersion.Status", "A.B.C"])
@pytest.mark.parametrize("response", [
    {}, {"Status": "RUNNING"}, {"Status": None}, {"ModelVersion": {"Status": "SUCCESS"}}, {"ModelVersion": "x"},
    {"ModelVersion": ["Status"]}, {"A": {"B": {"C": 0}}}, {"A": {"B": None}}, {"A": {"B": {"C": [1]}}},
])
def test_a_field_path_is_searched_as_jmespath_searches_it(expression: str, response: dict[str, Any]) -> None:
    assert waiting._search(expression)(response) == jmespath.search(expression, response)
