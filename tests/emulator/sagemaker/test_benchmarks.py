"""Synthetic Inference Recommender benchmarks: deterministic, and scaled by instance size, family and price."""

from __future__ import annotations

from pulumi_aws_mlops.emulator.sagemaker.benchmarks import BenchmarkTarget, instance_profile, measure

MODEL = "arn:aws:sagemaker:us-east-1:123456789012:model/churn"


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
    threshold_ms = unbounded.model_latency_us // 2 // 1000  # The threshold is in milliseconds, latency in µs.
    limit = {"ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": threshold_ms}]}
    bounded = measure(MODEL, target, limit)
    assert bounded.model_latency_us == threshold_ms * 1000, "the load stops where latency reaches the threshold"
    assert bounded.max_invocations < unbounded.max_invocations

    small = measure(MODEL, BenchmarkTarget(instance_type="ml.m5.large"), None)
    assert small.max_invocations < unbounded.max_invocations and small.cost_per_hour < unbounded.cost_per_hour


def test_expected_traffic_sets_the_instance_count() -> None:
    target = BenchmarkTarget(instance_type="ml.c5.large")
    per_instance = measure(MODEL, target, None).max_invocations
    sized = measure(MODEL, target, {"MaxInvocations": per_instance * 3 + 1})
    assert sized.instance_count == 4
