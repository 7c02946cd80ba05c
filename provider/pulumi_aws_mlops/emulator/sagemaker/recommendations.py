"""Inference Recommender jobs and their benchmarks on the emulator clock.

    PENDING ─► IN_PROGRESS ─► COMPLETED | FAILED
       └──────────┴─► STOPPING ─► STOPPED            (StopInferenceRecommendationsJob)

A job is a set of benchmarks (the BENCHMARK steps of ListInferenceRecommendationsJobSteps) run in
waves of `ResourceLimit.MaxParallelOfTests` across the job's run time, so a client polling the
steps sees them complete one wave after another. A Default job benchmarks a few candidate
instance types and recommends the cheapest three per inference; an Advanced job (a load test)
reports every endpoint configuration it was given. Jobs cannot be deleted: SageMaker has no such
operation.

Describe answers as the developer guide's examples show, not as an echo of the request: a Default job
created without `JobDurationInSeconds` reports `JobDurationInSeconds: 0`, and a load test's
`TrafficPattern` comes back as its `TrafficType` alone ("Get load test results" and "Get instance
recommendation results" in the SageMaker developer guide). Latencies are in microseconds (see benchmarks.py).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..core.faults import Faults
from ..core.state import ManagedState
from .benchmarks import BenchmarkTarget, Measurement, default_candidates, measure
from .conventions import without_none
from .endpoints import derived_name
from .exceptions import ValidationException

FINISHED = frozenset({"COMPLETED", "FAILED", "STOPPED"})
DEFAULT_JOB_BENCHMARKS = 5
DEFAULT_JOB_RECOMMENDATIONS = 3
MAX_RECOMMENDATIONS = 10  # The InferenceRecommendations list holds at most 10 entries.
# Benchmarks run side by side when the request sets no ResourceLimit.MaxParallelOfTests (the
# emulator's choice: SageMaker does not document its own default).
DEFAULT_PARALLEL_TESTS = 2
MAX_JOB_DURATION_SECONDS = 18_000  # Documented maximum of InputConfig.JobDurationInSeconds.
LATENCY_PERCENTILES = ("P95", "P99")  # The percentiles ModelLatencyThreshold documents.
LOAD_TEST_PERCENTILE = "P95"  # "For custom load tests, specify the value as P95" (ModelLatencyThreshold).
MAX_INVOCATIONS = 30_000  # StoppingConditions.MaxInvocations: "a minimum of 1 and a maximum of 30,000".
MAX_TESTS = 10  # ResourceLimit.MaxNumberOfTests and MaxParallelOfTests: "a minimum of 1 and a maximum of 10".
# What a job benchmarking a model by name needs in InputConfig.ContainerConfig (the developer guide asks for
# "the required fields that need to be provided with the model name" without listing them; these are the
# fields SageMaker's Python SDK always sends with one).
CONTAINER_FIELDS_FOR_A_MODEL_NAME = ("Domain", "Task", "Framework")
PAYLOAD_FIELDS_FOR_A_MODEL_NAME = ("SamplePayloadUrl", "SupportedContentTypes")


@dataclass
class Benchmark:
    """One BENCHMARK step: a configuration the job load-tests, and when it runs."""

    target: BenchmarkTarget
    measurement: Measurement
    endpoint_name: str
    existing_endpoint: bool = False
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    fails: bool = False

    def endpoint_configuration(self) -> dict[str, Any]:
        configuration: dict[str, Any] = {"EndpointName": self.endpoint_name, "VariantName": "AllTraffic"}
        if self.target.instance_type:
            configuration["InstanceType"] = self.target.instance_type
            configuration["InitialInstanceCount"] = self.measurement.instance_count
        if self.target.serverless_config:
            configuration["ServerlessConfig"] = self.target.serverless_config
        return configuration

    def failure_reason(self) -> str:
        return (
            f"Benchmark on {self.target.label()} failed: the model container did not answer the health check "
            "(failure injected by the emulator)."
        )


@dataclass(eq=False)
class RecommendationsJob:
    name: str
    arn: str
    job_type: str
    role_arn: str
    input_config: dict[str, Any]
    description: str | None
    stopping_conditions: dict[str, Any] | None
    output_config: dict[str, Any] | None
    benchmarks: list[Benchmark]
    creation_time: datetime
    faults: Faults = field(repr=False)
    state: ManagedState = field(repr=False)
    sequence: int = 0  # Creation order: the tie-breaker of list operations.
    fails: bool = False  # Decided at creation: the last benchmark fails, and the job with it.
    completion_time: datetime | None = field(default=None, init=False)
    failure_reason: str | None = field(default=None, init=False)
    stop_requested_at: datetime | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.fails and self.benchmarks:
            self.benchmarks[-1].fails = True
        self.state.after(self.faults.duration("recommendations_start"), "IN_PROGRESS", self._on_in_progress,
                         begun=self.creation_time)

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def last_modified_time(self) -> datetime:
        return self.state.since

    # -- scheduled transitions ------------------------------------------------------------------
    def _on_in_progress(self, at: datetime) -> None:
        run_seconds = self.faults.duration("recommendations")
        if self.input_config.get("JobDurationInSeconds"):
            # The job's own limit caps how long it may run.
            run_seconds = min(run_seconds, float(self.input_config["JobDurationInSeconds"]))
        parallel = (self.input_config.get("ResourceLimit") or {}).get("MaxParallelOfTests") or DEFAULT_PARALLEL_TESTS
        waves = max(math.ceil(len(self.benchmarks) / parallel), 1)
        wave_seconds = run_seconds / waves
        finished_at = at + timedelta(seconds=run_seconds)
        for index, benchmark in enumerate(self.benchmarks):
            wave = index // parallel
            benchmark.starts_at = at + timedelta(seconds=wave * wave_seconds)
            # The last wave ends exactly when the job does, whatever the rounding of the waves.
            benchmark.ends_at = min(at + timedelta(seconds=(wave + 1) * wave_seconds), finished_at)
        if any(benchmark.fails for benchmark in self.benchmarks):
            self.state.schedule(finished_at, "FAILED", self._on_failed)
        else:
            self.state.schedule(finished_at, "COMPLETED", self._on_finished)

    def _on_finished(self, at: datetime) -> None:
        self.completion_time = at

    def _on_failed(self, at: datetime) -> None:
        self.completion_time = at
        self.failure_reason = next(benchmark.failure_reason() for benchmark in self.benchmarks if benchmark.fails)

    # -- API actions ----------------------------------------------------------------------------
    def stop(self, now: datetime) -> None:
        if self.status == "STOPPING":
            return  # Already on its way: stopping again changes nothing.
        if self.state.finished:
            raise ValidationException(
                f"Inference recommendations job '{self.name}' is {self.status} and cannot be stopped."
            )
        self.stop_requested_at = now
        self.state.move_to("STOPPING")
        self.state.after(self.faults.duration("recommendations_stop"), "STOPPED", self._on_finished, begun=now)

    # -- benchmark progress ---------------------------------------------------------------------
    def step_status(self, benchmark: Benchmark, now: datetime) -> str:
        if benchmark.ends_at is not None and benchmark.ends_at <= self._cut_off(now):
            return "FAILED" if benchmark.fails else "COMPLETED"
        if self.stop_requested_at is not None:
            return "STOPPING" if self.status == "STOPPING" else "STOPPED"
        if benchmark.starts_at is None or now < benchmark.starts_at:
            return "PENDING"
        return "IN_PROGRESS"

    def _cut_off(self, now: datetime) -> datetime:
        """Benchmarks still running when the job was stopped never finish."""
        return now if self.stop_requested_at is None else min(now, self.stop_requested_at)

    def completed_benchmarks(self, now: datetime) -> list[Benchmark]:
        return [benchmark for benchmark in self.benchmarks if self.step_status(benchmark, now) == "COMPLETED"]

    # -- rendering ------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        payload = (self.input_config.get("ContainerConfig") or {}).get("PayloadConfig") or {}
        return without_none(
            {
                "JobName": self.name,
                "JobDescription": self.description or "",
                "JobType": self.job_type,
                "JobArn": self.arn,
                "Status": self.status,
                "CreationTime": self.creation_time,
                "CompletionTime": self.completion_time,
                "RoleArn": self.role_arn,
                "LastModifiedTime": self.last_modified_time,
                "FailureReason": self.failure_reason,
                "ModelName": self.input_config.get("ModelName"),
                "SamplePayloadUrl": payload.get("SamplePayloadUrl"),
                "ModelPackageVersionArn": self.input_config.get("ModelPackageVersionArn"),
            }
        )

    def describe(self, now: datetime) -> dict[str, Any]:
        description = without_none(
            {
                "JobName": self.name,
                "JobDescription": self.description,
                "JobType": self.job_type,
                "JobArn": self.arn,
                "RoleArn": self.role_arn,
                "Status": self.status,
                "CreationTime": self.creation_time,
                "CompletionTime": self.completion_time,
                "LastModifiedTime": self.last_modified_time,
                "FailureReason": self.failure_reason,
                "InputConfig": self.described_input_config(),
                "StoppingConditions": self.stopping_conditions,
            }
        )
        if self.status in ("COMPLETED", "STOPPED"):
            # A stopped job still reports what its finished benchmarks found.
            recommendations = self._recommendations(now)
            if recommendations:
                description["InferenceRecommendations"] = recommendations
            performances = [
                {
                    "Metrics": _endpoint_metrics(benchmark.measurement),
                    "EndpointInfo": {"EndpointName": benchmark.endpoint_name},
                }
                for benchmark in self.completed_benchmarks(now)
                if benchmark.existing_endpoint
            ]
            if performances:
                description["EndpointPerformances"] = performances
        return description

    def described_input_config(self) -> dict[str, Any]:
        """InputConfig as Describe reports it: with the service's default duration, the traffic pattern's type only."""
        described = dict(self.input_config)
        if self.job_type == "Default":
            described.setdefault("JobDurationInSeconds", 0)
        traffic = described.get("TrafficPattern")
        if traffic is not None:
            described["TrafficPattern"] = {"TrafficType": traffic_type_of(traffic)}
        return described

    def _recommendations(self, now: datetime) -> list[dict[str, Any]]:
        candidates = [benchmark for benchmark in self.completed_benchmarks(now) if not benchmark.existing_endpoint]
        if self.job_type == "Default":
            candidates = [benchmark for benchmark in candidates if benchmark.measurement.fits]
        candidates.sort(key=lambda benchmark: benchmark.measurement.cost_per_inference)
        limit = DEFAULT_JOB_RECOMMENDATIONS if self.job_type == "Default" else MAX_RECOMMENDATIONS
        return [
            {
                "RecommendationId": f"{self.name}/{derived_name('rec', self.name, benchmark.target.identity())[-12:]}",
                "Metrics": benchmark.measurement.metrics(),
                "EndpointConfiguration": benchmark.endpoint_configuration(),
                "ModelConfiguration": benchmark.target.model_configuration(),
                "InvocationStartTime": benchmark.starts_at,
                "InvocationEndTime": benchmark.ends_at,
            }
            for benchmark in candidates[:limit]
        ]

    def step(self, benchmark: Benchmark, now: datetime) -> dict[str, Any]:
        status = self.step_status(benchmark, now)
        inference_benchmark: dict[str, Any] = {
            "EndpointConfiguration": benchmark.endpoint_configuration(),
            "ModelConfiguration": benchmark.target.model_configuration(),
        }
        if status == "COMPLETED" and benchmark.existing_endpoint:
            inference_benchmark["EndpointMetrics"] = _endpoint_metrics(benchmark.measurement)
        elif status == "COMPLETED":
            inference_benchmark["Metrics"] = benchmark.measurement.metrics()
        if status == "FAILED":
            inference_benchmark["FailureReason"] = benchmark.failure_reason()
        if benchmark.starts_at is not None and benchmark.starts_at <= self._cut_off(now):
            inference_benchmark["InvocationStartTime"] = benchmark.starts_at
        if status in ("COMPLETED", "FAILED"):
            inference_benchmark["InvocationEndTime"] = benchmark.ends_at
        return {
            "StepType": "BENCHMARK",
            "JobName": self.name,
            "Status": status,
            "InferenceBenchmark": inference_benchmark,
        }


def plan_benchmarks(
    job_name: str,
    job_type: str,
    model_key: str,
    input_config: dict[str, Any],
    stopping_conditions: dict[str, Any] | None,
    existing_endpoints: list[tuple[str, str | None]],
) -> list[Benchmark]:
    """What the job will load-test: given endpoint configurations, or candidate instance types for a Default job.

    `existing_endpoints` pairs each endpoint of `InputConfig.Endpoints` with its instance type.
    """
    targets = _targets(job_type, model_key, input_config)
    limit = (input_config.get("ResourceLimit") or {}).get("MaxNumberOfTests")
    if limit:
        targets = targets[:limit]
    benchmarks = [
        Benchmark(target, measure(model_key, target, stopping_conditions), derived_name(job_name, target.identity()))
        for target in targets
    ]
    for endpoint_name, instance_type in existing_endpoints:
        target = BenchmarkTarget(instance_type=instance_type or "ml.m5.large")
        benchmarks.append(
            Benchmark(target, measure(model_key, target, stopping_conditions), endpoint_name, existing_endpoint=True)
        )
    return benchmarks


def _targets(job_type: str, model_key: str, input_config: dict[str, Any]) -> list[BenchmarkTarget]:
    configurations = input_config.get("EndpointConfigurations") or []
    if configurations:
        return [target for configuration in configurations for target in _expand(configuration)]
    if job_type == "Advanced":
        return []  # A load test of existing endpoints only.
    supported = (input_config.get("ContainerConfig") or {}).get("SupportedInstanceTypes") or []
    instance_types = list(supported) or default_candidates(model_key)
    return [BenchmarkTarget(instance_type=instance_type) for instance_type in instance_types[:DEFAULT_JOB_BENCHMARKS]]


def _expand(configuration: dict[str, Any]) -> list[BenchmarkTarget]:
    """One target per combination of the configuration's categorical environment parameter values."""
    ranges = (configuration.get("EnvironmentParameterRanges") or {}).get("CategoricalParameterRanges") or []
    names = [parameter["Name"] for parameter in ranges]
    combinations = itertools.product(*(parameter["Value"] for parameter in ranges)) if ranges else [()]
    return [
        BenchmarkTarget(
            instance_type=configuration.get("InstanceType"),
            serverless_config=configuration.get("ServerlessConfig"),
            inference_specification_name=configuration.get("InferenceSpecificationName"),
            environment=tuple(zip(names, values, strict=True)),
        )
        for values in combinations
    ]


def check_job_input(job_type: str, input_config: dict[str, Any], stopping_conditions: dict[str, Any] | None) -> None:
    """The documented rules a recommendation job's input must follow beyond the service model's shapes."""
    if input_config.get("ModelName"):
        _check_container_for_a_model_name(input_config.get("ContainerConfig") or {})
    payload_url = ((input_config.get("ContainerConfig") or {}).get("PayloadConfig") or {}).get("SamplePayloadUrl")
    if payload_url and not payload_url.endswith(".tar.gz"):
        raise ValidationException(
            "ContainerConfig.PayloadConfig.SamplePayloadUrl must point to a single gzip compressed tar archive "
            "(.tar.gz suffix)."
        )
    for member, value in (input_config.get("ResourceLimit") or {}).items():
        if not 1 <= value <= MAX_TESTS:
            raise ValidationException(f"InputConfig.ResourceLimit.{member} must be between 1 and {MAX_TESTS}.")
    max_invocations = (stopping_conditions or {}).get("MaxInvocations")
    if max_invocations is not None and not 1 <= max_invocations <= MAX_INVOCATIONS:
        raise ValidationException(f"StoppingConditions.MaxInvocations must be between 1 and {MAX_INVOCATIONS}.")
    duration = input_config.get("JobDurationInSeconds")
    if duration is not None and duration > MAX_JOB_DURATION_SECONDS:
        raise ValidationException(f"InputConfig.JobDurationInSeconds must be at most {MAX_JOB_DURATION_SECONDS}.")
    for index, configuration in enumerate(input_config.get("EndpointConfigurations") or [], start=1):
        if bool(configuration.get("InstanceType")) == bool(configuration.get("ServerlessConfig")):
            raise ValidationException(
                f"InputConfig.EndpointConfigurations.{index} needs exactly one of InstanceType and ServerlessConfig."
            )
    for threshold in (stopping_conditions or {}).get("ModelLatencyThresholds") or []:
        if threshold.get("Percentile") not in LATENCY_PERCENTILES:
            raise ValidationException(
                f"ModelLatencyThresholds Percentile must be one of {', '.join(LATENCY_PERCENTILES)}."
            )
        if job_type == "Advanced" and threshold["Percentile"] != LOAD_TEST_PERCENTILE:
            raise ValidationException(
                f"An Advanced job (load test) takes ModelLatencyThresholds Percentile {LOAD_TEST_PERCENTILE}."
            )
    traffic = input_config.get("TrafficPattern")
    if traffic is not None:
        _check_traffic_pattern(traffic, duration, load_test=job_type == "Advanced")
    if job_type == "Advanced":
        # A load test measures what the user chose under the user's traffic and limits.
        if traffic is None:
            raise ValidationException("An Advanced job (load test) needs InputConfig.TrafficPattern.")
        if not stopping_conditions:
            raise ValidationException("An Advanced job (load test) needs StoppingConditions.")
        if not input_config.get("EndpointConfigurations") and not input_config.get("Endpoints"):
            raise ValidationException(
                "An Advanced job (load test) needs InputConfig.EndpointConfigurations or InputConfig.Endpoints."
            )


def _check_container_for_a_model_name(container: dict[str, Any]) -> None:
    payload = container.get("PayloadConfig") or {}
    missing = [f"ContainerConfig.{name}" for name in CONTAINER_FIELDS_FOR_A_MODEL_NAME if not container.get(name)]
    missing += [f"ContainerConfig.PayloadConfig.{name}" for name in PAYLOAD_FIELDS_FOR_A_MODEL_NAME
                if not payload.get(name)]
    if missing:
        raise ValidationException(
            f"A job that benchmarks a model by InputConfig.ModelName needs {', '.join(missing)}: SageMaker cannot "
            "read them from a model as it does from a model package."
        )


def traffic_type_of(traffic: dict[str, Any]) -> str:
    """A traffic pattern's type: PHASES unless it says otherwise (or has stairs)."""
    return str(traffic.get("TrafficType") or ("STAIRS" if traffic.get("Stairs") else "PHASES"))


def _check_traffic_pattern(traffic: dict[str, Any], job_duration: int | None, *, load_test: bool) -> None:
    traffic_type = traffic_type_of(traffic)
    phases = traffic.get("Phases") or []
    stairs = traffic.get("Stairs")
    if traffic_type == "PHASES" and (not phases or stairs):
        raise ValidationException("A PHASES TrafficPattern needs Phases and no Stairs.")
    if traffic_type == "STAIRS" and (not stairs or phases):
        raise ValidationException("A STAIRS TrafficPattern needs Stairs and no Phases.")
    durations = [phase.get("DurationInSeconds") for phase in phases] + [(stairs or {}).get("DurationInSeconds")]
    for phase in phases:
        if not 1 <= phase.get("InitialNumberOfUsers", 1) <= 3:
            raise ValidationException("Phases InitialNumberOfUsers must be between 1 and 3.")
        if load_test and not 0 <= phase.get("SpawnRate", 0) <= 3:
            raise ValidationException("Phases SpawnRate must be between 0 and 3 for a load test.")
    if load_test and any(value is not None and not 120 <= value <= 3600 for value in durations):
        raise ValidationException("Traffic DurationInSeconds must be between 120 and 3600 for a load test.")
    total = sum(value for value in durations if value is not None)
    if job_duration is not None and total > job_duration:
        raise ValidationException(
            f"The traffic phases last {total} seconds, longer than InputConfig.JobDurationInSeconds ({job_duration})."
        )


def _endpoint_metrics(measurement: Measurement) -> dict[str, int]:
    return {"MaxInvocations": measurement.max_invocations, "ModelLatency": measurement.model_latency_us}
