"""The pieces under the SageMaker emulator: clock-driven status, list conventions, synthetic benchmarks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pulumi_aws_mlops.emulator.exceptions import ValidationException
from pulumi_aws_mlops.emulator.sagemaker.benchmarks import BenchmarkTarget, instance_profile, measure
from pulumi_aws_mlops.emulator.sagemaker.conventions import paginate, timestamp
from pulumi_aws_mlops.emulator.sagemaker.lifecycle import Lifecycle

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
DURATIONS = {"stop": 30.0}
MODEL = "arn:aws:sagemaker:us-east-1:123456789012:model/churn"


def test_due_transitions_apply_in_order_stamped_with_their_own_time() -> None:
    lifecycle = Lifecycle("PENDING", T0, finished=frozenset(), durations=DURATIONS.__getitem__)
    entered: list[tuple[str, datetime]] = []

    def in_progress(at: datetime) -> None:
        entered.append(("IN_PROGRESS", at))
        lifecycle.schedule(at + timedelta(seconds=30), "COMPLETED", lambda done: entered.append(("COMPLETED", done)))

    lifecycle.schedule(T0 + timedelta(seconds=10), "IN_PROGRESS", in_progress)
    lifecycle.settle(T0 + timedelta(seconds=5))
    assert lifecycle.status == "PENDING"

    lifecycle.settle(T0 + timedelta(hours=1))  # Read late: both transitions happen, each at its own time.
    assert lifecycle.status == "COMPLETED"
    assert lifecycle.changed_at == T0 + timedelta(seconds=40)
    assert entered == [("IN_PROGRESS", T0 + timedelta(seconds=10)), ("COMPLETED", T0 + timedelta(seconds=40))]


def test_moving_to_a_status_drops_what_was_planned() -> None:
    lifecycle = Lifecycle("Running", T0, finished=frozenset({"Stopped"}), durations=DURATIONS.__getitem__)
    lifecycle.schedule(T0 + timedelta(days=7), "Completed")
    lifecycle.move_to("Stopping", T0 + timedelta(seconds=1))
    lifecycle.settle(T0 + timedelta(days=8))
    assert lifecycle.status == "Stopping" and not lifecycle.finished

    lifecycle.schedule_after("stop", T0 + timedelta(days=8), "Stopped")
    lifecycle.settle(T0 + timedelta(days=8, seconds=30))
    assert lifecycle.finished and lifecycle.changed_at == T0 + timedelta(days=8, seconds=30)


def test_transitions_due_at_the_same_instant_keep_their_planned_order() -> None:
    lifecycle = Lifecycle("Creating", T0, finished=frozenset(), durations=DURATIONS.__getitem__)
    lifecycle.schedule(T0, "Created")
    lifecycle.schedule(T0, "Starting")
    lifecycle.settle(T0)
    assert lifecycle.status == "Starting"


@pytest.mark.parametrize("value", [1767225600, 1767225600.0, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00+00:00"])
def test_request_timestamps_are_read_in_every_form_clients_send(value: object) -> None:
    assert timestamp(value) == T0


def test_an_unreadable_timestamp_is_a_validation_error() -> None:
    with pytest.raises(ValidationException):
        timestamp("yesterday")


def test_pages_follow_their_tokens_and_refuse_forged_ones() -> None:
    items = list(range(25))
    first, token = paginate(items, {})
    assert first == list(range(10)) and token
    second, token = paginate(items, {"NextToken": token, "MaxResults": 20})
    assert second == list(range(10, 25)) and token is None
    with pytest.raises(ValidationException):
        paginate(items, {"NextToken": "forged"})


def test_instance_profiles_scale_with_size_family_and_architecture() -> None:
    assert instance_profile("ml.c5.xlarge").hourly_price == 0.204  # From the table of known prices.
    assert instance_profile("ml.c5.4xlarge").vcpus == 16  # Estimated from the family and size.
    assert instance_profile("ml.c7g.large").hourly_price < instance_profile("ml.c7i.large").hourly_price  # Graviton.
    assert instance_profile("ml.g6.xlarge").accelerator == "gpu"
    assert instance_profile("ml.inf2.xlarge").accelerator == "inferentia"


def test_measurements_are_deterministic_and_respect_the_latency_threshold() -> None:
    target = BenchmarkTarget(instance_type="ml.m5.xlarge")
    assert measure(MODEL, target, None) == measure(MODEL, target, None)
    assert measure(MODEL, target, None) != measure(MODEL + "-v2", target, None)

    unbounded = measure(MODEL, target, None)
    threshold = unbounded.model_latency // 2
    limit = {"ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": threshold}]}
    bounded = measure(MODEL, target, limit)
    assert bounded.model_latency <= threshold
    assert bounded.max_invocations < unbounded.max_invocations

    small = measure(MODEL, BenchmarkTarget(instance_type="ml.m5.large"), None)
    assert small.max_invocations < unbounded.max_invocations and small.cost_per_hour < unbounded.cost_per_hour


def test_expected_traffic_sets_the_instance_count() -> None:
    target = BenchmarkTarget(instance_type="ml.c5.large")
    per_instance = measure(MODEL, target, None).max_invocations
    sized = measure(MODEL, target, {"MaxInvocations": per_instance * 3 + 1})
    assert sized.instance_count == 4
