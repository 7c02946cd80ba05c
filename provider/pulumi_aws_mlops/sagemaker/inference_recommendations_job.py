"""SageMaker Inference Recommender job: benchmark a model on candidate endpoint configurations.

    CreateInferenceRecommendationsJob → PENDING → IN_PROGRESS → COMPLETED | FAILED

The create waits for the job to finish and turns its results into outputs: `recommendations`
(one flat snake_case dict per recommended configuration) and `best_configuration`. SageMaker
cannot update, rename or delete a job, so every AWS input forces a new job under a new generated
name (tags alone change in place); deleting the resource stops a job that is still running and
otherwise only forgets it, as the job stays listed in the account.

A job cannot change after its creation, so the state keeps the inputs it was created with, not what
Describe reports: Describe fills in what the request did not set (`JobDurationInSeconds: 0` for a
Default job) and reports a load test's traffic pattern by its type alone (the developer guide's
results examples), and neither is a change of the job. Only an imported job has no inputs but
Describe's: its traffic phases are then taken as the program declares them.

Units: SageMaker reports `ModelLatency` (and `ModelSetupTime`) in microseconds while the latency
threshold is `ValueInMilliseconds`; the outputs say so in their names (`model_latency_microseconds`)
and `best_configuration` compares the two in the same unit (see emulator/sagemaker/benchmarks.py for
the sources, which contradict each other).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import pulumi
from botocore import xform_name
from pulumi.dynamic import CreateResult, UpdateResult
from pydantic import model_validator

from .._internal.aws_values import iso, snake_keys
from .._internal.errors import MlopsError, ResourceFailedError
from .._internal.fields import IMMUTABLE, AdoptInput, Input, ResourceInputs, TimeoutsInput
from .._internal.inputs import InputRuleError, contains_unknown
from .._internal.named_resource import NamedResourceProvider
from .._internal.reporting import progress
from .._internal.resource import resource_props
from ..service_model import member_constraints
from .service import SAGEMAKER
from .shapes import (
    LOAD_TEST_PERCENTILE,
    LOAD_TEST_SPAWN_RATE,
    LOAD_TEST_TRAFFIC_SECONDS,
    MAX_JOB_DURATION_SECONDS,
    SERVICE,
    RecommendationJobInputConfig,
    RecommendationJobOutputConfig,
    RecommendationJobStoppingConditions,
    RoleArn,
    Tags,
    TrafficPattern,
    sagemaker,
)
from .waiters import benchmarks_done


class InferenceRecommendationsJobInputs(ResourceInputs):
    """The validated inputs of an InferenceRecommendationsJob (what `pulumi preview` checks), each declaring what
    it is to AWS. A job can be neither changed nor rerun: every AWS input replaces it (tags alone change in place)."""

    job_name: Annotated[Annotated[str, sagemaker("CreateInferenceRecommendationsJobRequest", "JobName")], IMMUTABLE]
    job_type: Annotated[Annotated[str, sagemaker("CreateInferenceRecommendationsJobRequest", "JobType")], IMMUTABLE]
    role_arn: Annotated[RoleArn, IMMUTABLE]
    input_config: Annotated[RecommendationJobInputConfig, IMMUTABLE]
    job_description: Annotated[
        Annotated[str, sagemaker("CreateInferenceRecommendationsJobRequest", "JobDescription")] | None, IMMUTABLE
    ] = None
    stopping_conditions: Annotated[RecommendationJobStoppingConditions | None, IMMUTABLE] = None
    # DescribeInferenceRecommendationsJob does not report the output configuration.
    output_config: Annotated[
        RecommendationJobOutputConfig | None, Input(create=True, replaces=True, read_back=False)
    ] = None
    tags: Tags | None = None
    timeouts: TimeoutsInput = None
    adopt_existing: AdoptInput = None

    @model_validator(mode="after")
    def _load_test_is_complete(self) -> InferenceRecommendationsJobInputs:
        if self.job_type != "Advanced":
            return self
        # A load test measures the configurations the user chose, under the user's traffic and limits.
        config = self.input_config
        if not config.endpoint_configurations and not config.endpoints:
            raise InputRuleError(
                "input_config.endpoint_configurations", "is required for an Advanced job (a load test): the "
                "instance types or serverless configurations to test (or input_config.endpoints to test an "
                "existing endpoint)", ("job_type", "input_config"),
            )
        if config.traffic_pattern is None:
            raise InputRuleError("input_config.traffic_pattern", "is required for an Advanced job (a load test)",
                                 ("job_type", "input_config"))
        if self.stopping_conditions is None:
            raise InputRuleError("stopping_conditions", "is required for an Advanced job (a load test)",
                                 ("job_type", "stopping_conditions"))
        for index, threshold in enumerate(self.stopping_conditions.model_latency_thresholds or []):
            if threshold.percentile not in (None, LOAD_TEST_PERCENTILE):
                raise InputRuleError(
                    f"stopping_conditions.model_latency_thresholds[{index}].percentile",
                    f"is {threshold.percentile!r}; SageMaker takes {LOAD_TEST_PERCENTILE} for an Advanced job (a "
                    f"load test): \"For custom load tests, specify the value as P95\"", ("job_type", "stopping_conditions"),
                )
        self._check_load_test_traffic(config.traffic_pattern)
        return self

    def _check_load_test_traffic(self, traffic: TrafficPattern) -> None:
        depends_on = ("job_type", "input_config")
        for index, phase in enumerate(traffic.phases or []):
            where = f"input_config.traffic_pattern.phases[{index}]"
            for path, value, bounds in ((f"{where}.spawn_rate", phase.spawn_rate, LOAD_TEST_SPAWN_RATE),
                                        (f"{where}.duration_in_seconds", phase.duration_in_seconds,
                                         LOAD_TEST_TRAFFIC_SECONDS)):
                if value is not None and not bounds[0] <= value <= bounds[1]:
                    raise InputRuleError(path, f"is {value}; SageMaker takes between {bounds[0]} and {bounds[1]} for "
                                               f"an Advanced job (a load test)", depends_on)
        stairs = traffic.stairs.duration_in_seconds if traffic.stairs else None
        low, high = LOAD_TEST_TRAFFIC_SECONDS
        if stairs is not None and not low <= stairs <= high:
            raise InputRuleError("input_config.traffic_pattern.stairs.duration_in_seconds",
                                 f"is {stairs}; SageMaker takes between {low} and {high} for an Advanced job (a load "
                                 f"test)", depends_on)
        total = sum(phase.duration_in_seconds or 0 for phase in traffic.phases or []) + (stairs or 0)
        job_seconds = self.input_config.job_duration_in_seconds
        if job_seconds is not None and total > job_seconds:
            raise InputRuleError("input_config.traffic_pattern", f"lasts {total} seconds, longer than "
                                 f"input_config.job_duration_in_seconds ({job_seconds})", depends_on)


RUNNING = frozenset({"PENDING", "IN_PROGRESS"})
NOT_RERUNNABLE = (
    "SageMaker keeps a finished job under its name and cannot rerun it: change an input (or job_name) "
    "to run a new job"
)


class InferenceRecommendationsJobProvider(NamedResourceProvider):
    service = SAGEMAKER
    kind = "SageMaker inference recommendations job"
    args_model = InferenceRecommendationsJobInputs
    name_field = "job_name"
    name_max_length = int(member_constraints(SERVICE, "CreateInferenceRecommendationsJobRequest", "JobName").max or 64)
    create_operation = "CreateInferenceRecommendationsJob"
    describe_operation = "DescribeInferenceRecommendationsJob"
    arn_key = "JobArn"
    # The longest job SageMaker allows runs five hours.
    default_timeouts = {"create": MAX_JOB_DURATION_SECONDS + 3600.0, "update": 600.0, "delete": 1800.0}

    def create(self, props: dict[str, Any]) -> CreateResult:
        args: InferenceRecommendationsJobInputs = self.parse(props)
        name = args.job_name
        deadline = self.deadline(props, "create")
        created = self.create_or_adopt(self.request(args, "create"), props)
        if created.adopted:
            self.ensure_same_job(created.description, props)
        else:
            progress(f"{self.subject(name)}: started ({args.job_type} job)")
        try:
            self.wait_for("JobCompleted", name, deadline, percent=benchmarks_done(self.client()))
        except ResourceFailedError as exc:
            raise exc.explained(f". {NOT_RERUNNABLE}") from None
        return self.created(name, props, created)

    def ensure_same_job(self, found: Mapping[str, Any], props: Mapping[str, Any]) -> None:
        """An adopted job must be the one these inputs describe: a job's inputs can never change."""
        described = self.described_inputs(found)
        observed = self.normalize(described)
        requested = self.normalize({key: props.get(key) for key in described})
        differing = sorted(key for key in requested if not (
            same_input_config(observed.get(key), requested[key]) if key == "input_config"
            else _covers(observed.get(key), requested[key])))
        if differing:
            raise MlopsError(
                f"{self.subject(found['JobName'])} already exists with other {', '.join(differing)}; SageMaker cannot "
                f"change, rename or delete a recommendations job: leave job_name unset for a generated name, or "
                f"choose a new one"
            )

    def changed_keys(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> set[str]:
        changed = super().changed_keys(olds, news)
        if "input_config" in changed and not contains_unknown(news.get("input_config")):
            old, new = (self.normalize({"input_config": side.get("input_config")}).get("input_config")
                        for side in (olds, news))
            if same_input_config(old, new):
                changed.discard("input_config")  # What Describe leaves out of an imported job is no change.
        return changed

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args: InferenceRecommendationsJobInputs = self.parse(news)
        if "tags" in self.changed_keys(olds, news):
            self.sync_tags(olds["arn"], args.tags)
        return UpdateResult(self.outputs(id_, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        found = self.find(id_)
        if found is None:
            return
        status = found["Status"]
        if status in RUNNING:
            self.call("StopInferenceRecommendationsJob", JobName=id_)
            progress(f"{self.subject(id_)}: stopping the {status} job")
        if status in (*RUNNING, "STOPPING"):
            status = self.wait_for("JobStopped", id_, self.deadline(props, "delete")).response["Status"]
        progress(f"{self.subject(id_)} is {status}; SageMaker cannot delete recommendations jobs, so it stays "
                 f"listed in the account and is only removed from the stack")

    # -- read ---------------------------------------------------------------------------------------
    def described_inputs(self, found: Mapping[str, Any]) -> dict[str, Any]:
        """The inputs as Describe reports them, less what it fills in itself (a Default job's duration of 0)."""
        input_config = snake_keys(found.get("InputConfig")) or {}
        if input_config.get("job_duration_in_seconds") == 0:
            input_config.pop("job_duration_in_seconds")  # 0 is no duration an input can have (its minimum is 1).
        return {
            "job_name": found["JobName"],
            "job_type": found["JobType"],
            "role_arn": found["RoleArn"],
            "input_config": input_config,
            "job_description": found.get("JobDescription") or None,
            "stopping_conditions": snake_keys(found.get("StoppingConditions")),
        }

    def observed_inputs(self, found: Mapping[str, Any], props: Mapping[str, Any]) -> dict[str, Any]:
        """The job's inputs: those it was created with, as the state has them (a job never changes), or for an
        import, which has none, what Describe reports."""
        described = self.described_inputs(found)
        if props.get("job_name") != found["JobName"]:
            return described
        return {key: props.get(key, value) for key, value in described.items()}

    def observe(self, name: str, props: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self.find(name)
        if found is None:
            return None
        recommendations = [_recommendation(item) for item in found.get("InferenceRecommendations") or []]
        stopping = RecommendationJobStoppingConditions.model_validate(
            props.get("stopping_conditions") or snake_keys(found.get("StoppingConditions")) or {}
        )
        return {
            **self.observed_inputs(found, props),
            "tags": self.observed_tags(found["JobArn"]),
            "arn": found["JobArn"],
            "status": found["Status"],
            "failure_reason": found.get("FailureReason"),
            "creation_time": iso(found.get("CreationTime")),
            "completion_time": iso(found.get("CompletionTime")),
            "last_modified_time": iso(found.get("LastModifiedTime")),
            "recommendations": recommendations,
            "best_configuration": best_configuration(recommendations, stopping),
            "endpoint_performances": [
                {"endpoint_name": item["EndpointInfo"].get("EndpointName"), **_metrics(item["Metrics"])}
                for item in found.get("EndpointPerformances") or []
            ],
        }


# Metrics whose output names carry their unit, as SageMaker reports them.
UNITS = {"ModelLatency": "model_latency_microseconds", "ModelSetupTime": "model_setup_time_microseconds"}
MICROSECONDS_PER_MILLISECOND = 1000


def _metrics(metrics: Mapping[str, Any]) -> dict[str, Any]:
    """Metrics in snake_case, those with a unit named with it (`model_latency_microseconds`)."""
    return {UNITS.get(key) or xform_name(key): value for key, value in metrics.items()}


def _recommendation(item: Mapping[str, Any]) -> dict[str, Any]:
    """One InferenceRecommendation as a flat dict: where it runs, what it costs, how it performs."""
    endpoint = item.get("EndpointConfiguration") or {}
    model = item.get("ModelConfiguration") or {}
    flat = {
        "recommendation_id": item.get("RecommendationId"),
        "instance_type": endpoint.get("InstanceType"),
        "initial_instance_count": endpoint.get("InitialInstanceCount"),
        "serverless_config": snake_keys(endpoint.get("ServerlessConfig")),
        **_metrics(item.get("Metrics") or {}),
        "inference_specification_name": model.get("InferenceSpecificationName"),
        "environment_parameters": {p["Key"]: p["Value"] for p in model.get("EnvironmentParameters") or []} or None,
        "compilation_job_name": model.get("CompilationJobName"),
        "invocation_start_time": iso(item.get("InvocationStartTime")),
        "invocation_end_time": iso(item.get("InvocationEndTime")),
    }
    return {key: value for key, value in flat.items() if value is not None}


def best_configuration(
    recommendations: list[dict[str, Any]], stopping: RecommendationJobStoppingConditions
) -> dict[str, Any] | None:
    """The recommendation with the lowest cost_per_inference among those that meet the stopping conditions.

    A recommendation meets them when its model_latency_microseconds is at most the latency threshold
    (`stopping_conditions.model_latency_thresholds`, in milliseconds; the lowest value when several
    are given) and its throughput, max_invocations (per minute) times initial_instance_count,
    reaches `stopping_conditions.max_invocations`; a condition that is not set is met by every
    recommendation. A tie on cost_per_inference goes to the lower cost_per_hour. None when no
    recommendation qualifies (or the job has none).
    """
    threshold_ms = stopping.latency_threshold_ms
    threshold_us = threshold_ms * MICROSECONDS_PER_MILLISECOND if threshold_ms is not None else None
    wanted = stopping.max_invocations

    def meets(item: Mapping[str, Any]) -> bool:
        latency_us, throughput = item.get("model_latency_microseconds"), item.get("max_invocations")
        if threshold_us is not None and (latency_us is None or latency_us > threshold_us):
            return False
        count = item.get("initial_instance_count") or 1
        return wanted is None or (throughput is not None and throughput * count >= wanted)

    qualifying = [item for item in recommendations if meets(item) and item.get("cost_per_inference") is not None]
    if not qualifying:
        return None
    return min(qualifying, key=lambda item: (item["cost_per_inference"], item.get("cost_per_hour") or 0.0))


def same_input_config(old: Any, new: Any) -> bool:
    """Whether two input_configs (snake_case JSON) are the same job's. `old` may be what Describe reports of an
    imported job: a traffic pattern by its type alone is then the same as a declared one of that type."""
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        return bool(old == new)
    old, new = dict(old), dict(new)
    reported = old.get("traffic_pattern")
    if isinstance(reported, Mapping) and not reported.get("phases") and not reported.get("stairs") \
            and isinstance(new.get("traffic_pattern"), Mapping):
        old["traffic_pattern"] = {"traffic_type": _traffic_type(reported)}
        new["traffic_pattern"] = {"traffic_type": _traffic_type(new["traffic_pattern"])}
    return old == new


def _traffic_type(traffic_pattern: Mapping[str, Any]) -> str:
    # SageMaker takes a pattern without TrafficType as PHASES.
    return str(traffic_pattern.get("traffic_type") or ("STAIRS" if traffic_pattern.get("stairs") else "PHASES"))


def _covers(observed: Any, requested: Any) -> bool:
    """Whether the service's value holds everything requested (it may add defaults of its own)."""
    if isinstance(requested, Mapping):
        return isinstance(observed, Mapping) and all(_covers(observed.get(k), v) for k, v in requested.items())
    if isinstance(requested, list):
        return (isinstance(observed, list) and len(observed) == len(requested)
                and all(_covers(o, r) for o, r in zip(observed, requested, strict=True)))
    return bool(observed == requested)


@dataclass
class InferenceRecommendationsJobArgs:
    """Inputs of an InferenceRecommendationsJob; nested shapes are dicts with snake_case keys."""

    job_type: pulumi.Input[str] | None = None
    role_arn: pulumi.Input[str] | None = None
    input_config: pulumi.Input[Mapping[str, Any]] | None = None
    job_name: pulumi.Input[str] | None = None
    job_description: pulumi.Input[str] | None = None
    stopping_conditions: pulumi.Input[Mapping[str, Any]] | None = None
    output_config: pulumi.Input[Mapping[str, Any]] | None = None
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    timeouts: pulumi.Input[Mapping[str, str]] | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class InferenceRecommendationsJob(pulumi.dynamic.Resource, module="sagemaker", name="InferenceRecommendationsJob"):
    """A SageMaker Inference Recommender job, run to completion; its recommendations are outputs."""

    job_name: pulumi.Output[str]
    job_type: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    input_config: pulumi.Output[dict[str, Any]]
    job_description: pulumi.Output[str | None]
    stopping_conditions: pulumi.Output[dict[str, Any] | None]
    output_config: pulumi.Output[dict[str, Any] | None]
    tags: pulumi.Output[dict[str, str] | None]
    timeouts: pulumi.Output[dict[str, str] | None]
    adopt_existing: pulumi.Output[bool | None]
    arn: pulumi.Output[str]
    status: pulumi.Output[str]
    failure_reason: pulumi.Output[str | None]
    creation_time: pulumi.Output[str]
    completion_time: pulumi.Output[str | None]
    last_modified_time: pulumi.Output[str]
    recommendations: pulumi.Output[list[dict[str, Any]]]
    best_configuration: pulumi.Output[dict[str, Any] | None]
    endpoint_performances: pulumi.Output[list[dict[str, Any]]]

    def __init__(
        self,
        resource_name: str,
        args: InferenceRecommendationsJobArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = resource_props(InferenceRecommendationsJob, resource_name, args, kwargs)
        super().__init__(InferenceRecommendationsJobProvider(), resource_name, props, opts)
