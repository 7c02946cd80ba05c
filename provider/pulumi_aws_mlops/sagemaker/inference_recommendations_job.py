"""SageMaker Inference Recommender job: benchmark a model on candidate endpoint configurations.

    CreateInferenceRecommendationsJob → PENDING → IN_PROGRESS → COMPLETED | FAILED

The create waits for the job to finish and turns its results into outputs: `recommendations`
(one flat snake_case dict per recommended configuration) and `best_configuration`. SageMaker
cannot update, rename or delete a job, so every AWS input forces a new job under a new generated
name (tags alone change in place); deleting the resource stops a job that is still running and
otherwise only forgets it, as the job stays listed in the account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import pulumi
from pulumi.dynamic import CreateResult, UpdateResult
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .._internal.aws_values import iso, snake_keys
from .._internal.errors import MlopsError, ResourceFailedError
from .._internal.inputs import AwsShape, InputRuleError, aws_request
from .._internal.reporting import progress
from .._internal.resource import resource_props
from .._internal.timeouts import Timeouts
from ..service_model import member_constraints
from ._base import SageMakerProvider
from .shapes import SERVICE, EndpointName, InstanceType, KmsKeyId, ModelName, RoleArn, S3Uri, Tags, sagemaker
from .waiters import benchmarks_done

MAX_JOB_DURATION_SECONDS = 18_000  # Documented maximum of InputConfig.JobDurationInSeconds.
LATENCY_PERCENTILES = ("P95", "P99")  # The percentiles ModelLatencyThreshold accepts.


class Phase(AwsShape):
    initial_number_of_users: Annotated[int, sagemaker("Phase", "InitialNumberOfUsers")] | None = None
    spawn_rate: Annotated[int, sagemaker("Phase", "SpawnRate")] | None = None
    duration_in_seconds: Annotated[int, sagemaker("Phase", "DurationInSeconds")] | None = None


class Stairs(AwsShape):
    duration_in_seconds: Annotated[int, sagemaker("Stairs", "DurationInSeconds")] | None = None
    number_of_steps: Annotated[int, sagemaker("Stairs", "NumberOfSteps")] | None = None
    users_per_step: Annotated[int, sagemaker("Stairs", "UsersPerStep")] | None = None


class TrafficPattern(AwsShape):
    traffic_type: Annotated[str, sagemaker("TrafficPattern", "TrafficType")] | None = None
    phases: Annotated[list[Phase], sagemaker("TrafficPattern", "Phases")] | None = None
    stairs: Stairs | None = None

    @model_validator(mode="after")
    def _shape_matches_type(self) -> TrafficPattern:
        # SageMaker takes a pattern without TrafficType as PHASES.
        traffic_type = self.traffic_type or "PHASES"
        if traffic_type == "PHASES" and (not self.phases or self.stairs is not None):
            raise InputRuleError("phases", "is required, and stairs not allowed, with traffic_type PHASES")
        if traffic_type == "STAIRS" and (self.stairs is None or self.phases):
            raise InputRuleError("stairs", "is required, and phases not allowed, with traffic_type STAIRS")
        return self


class RecommendationJobResourceLimit(AwsShape):
    max_number_of_tests: Annotated[int, sagemaker("RecommendationJobResourceLimit", "MaxNumberOfTests")] | None = None
    max_parallel_of_tests: Annotated[
        int, sagemaker("RecommendationJobResourceLimit", "MaxParallelOfTests")
    ] | None = None


class ProductionVariantServerlessConfig(AwsShape):
    # "InMB" is not what a PascalCase spelling of the snake_case name gives.
    memory_size_in_mb: Annotated[
        int, sagemaker("ProductionVariantServerlessConfig", "MemorySizeInMB"), Field(alias="MemorySizeInMB")
    ]
    max_concurrency: Annotated[int, sagemaker("ProductionVariantServerlessConfig", "MaxConcurrency")]
    provisioned_concurrency: Annotated[
        int, sagemaker("ProductionVariantServerlessConfig", "ProvisionedConcurrency")
    ] | None = None


class CategoricalParameter(AwsShape):
    name: Annotated[str, sagemaker("CategoricalParameter", "Name")]
    value: Annotated[list[Annotated[str, sagemaker("String128")]], sagemaker("CategoricalParameter", "Value")]


class EnvironmentParameterRanges(AwsShape):
    categorical_parameter_ranges: Annotated[
        list[CategoricalParameter], sagemaker("EnvironmentParameterRanges", "CategoricalParameterRanges")
    ] | None = None


class EndpointInputConfiguration(AwsShape):
    instance_type: InstanceType | None = None
    serverless_config: ProductionVariantServerlessConfig | None = None
    inference_specification_name: Annotated[
        str, sagemaker("EndpointInputConfiguration", "InferenceSpecificationName")
    ] | None = None
    environment_parameter_ranges: EnvironmentParameterRanges | None = None

    @model_validator(mode="after")
    def _instance_or_serverless(self) -> EndpointInputConfiguration:
        if (self.instance_type is None) == (self.serverless_config is None):
            raise InputRuleError("instance_type", "set exactly one of instance_type and serverless_config")
        return self


class RecommendationJobPayloadConfig(AwsShape):
    sample_payload_url: S3Uri | None = None
    supported_content_types: list[
        Annotated[str, sagemaker("RecommendationJobSupportedContentType")]
    ] | None = None


class RecommendationJobContainerConfig(AwsShape):
    domain: str | None = None
    task: str | None = None
    framework: str | None = None
    framework_version: Annotated[str, sagemaker("RecommendationJobContainerConfig", "FrameworkVersion")] | None = None
    payload_config: RecommendationJobPayloadConfig | None = None
    nearest_model_name: str | None = None
    supported_instance_types: list[str] | None = None
    supported_endpoint_type: Annotated[
        str, sagemaker("RecommendationJobContainerConfig", "SupportedEndpointType")
    ] | None = None
    data_input_config: Annotated[str, sagemaker("RecommendationJobContainerConfig", "DataInputConfig")] | None = None
    # "MIME" is not what a PascalCase spelling of the snake_case name gives.
    supported_response_mime_types: Annotated[
        list[Annotated[str, sagemaker("RecommendationJobSupportedResponseMIMEType")]] | None,
        Field(alias="SupportedResponseMIMETypes"),
    ] = None


class EndpointInfo(AwsShape):
    endpoint_name: EndpointName | None = None


class RecommendationJobVpcConfig(AwsShape):
    security_group_ids: Annotated[
        list[Annotated[str, sagemaker("RecommendationJobVpcSecurityGroupId")]],
        sagemaker("RecommendationJobVpcConfig", "SecurityGroupIds"),
    ]
    subnets: Annotated[
        list[Annotated[str, sagemaker("RecommendationJobVpcSubnetId")]],
        sagemaker("RecommendationJobVpcConfig", "Subnets"),
    ]


class RecommendationJobInputConfig(AwsShape):
    model_package_version_arn: Annotated[
        str, sagemaker("RecommendationJobInputConfig", "ModelPackageVersionArn")
    ] | None = None
    model_name: ModelName | None = None
    job_duration_in_seconds: Annotated[
        int, sagemaker("RecommendationJobInputConfig", "JobDurationInSeconds")
    ] | None = None
    traffic_pattern: TrafficPattern | None = None
    resource_limit: RecommendationJobResourceLimit | None = None
    endpoint_configurations: Annotated[
        list[EndpointInputConfiguration], sagemaker("RecommendationJobInputConfig", "EndpointConfigurations")
    ] | None = None
    volume_kms_key_id: KmsKeyId | None = None
    container_config: RecommendationJobContainerConfig | None = None
    endpoints: Annotated[list[EndpointInfo], sagemaker("RecommendationJobInputConfig", "Endpoints")] | None = None
    vpc_config: RecommendationJobVpcConfig | None = None

    @model_validator(mode="after")
    def _one_model_and_a_bounded_duration(self) -> RecommendationJobInputConfig:
        if (self.model_package_version_arn is None) == (self.model_name is None):
            raise InputRuleError(
                "model_name", "set exactly one of model_package_version_arn and model_name: the model to benchmark"
            )
        if self.job_duration_in_seconds is not None and self.job_duration_in_seconds > MAX_JOB_DURATION_SECONDS:
            raise InputRuleError(
                "job_duration_in_seconds", f"is {self.job_duration_in_seconds}; a job runs for at most "
                f"{MAX_JOB_DURATION_SECONDS} seconds"
            )
        return self


class ModelLatencyThreshold(AwsShape):
    percentile: Annotated[str, sagemaker("ModelLatencyThreshold", "Percentile")] | None = None
    value_in_milliseconds: int | None = None

    @model_validator(mode="after")
    def _known_percentile(self) -> ModelLatencyThreshold:
        if self.percentile is not None and self.percentile not in LATENCY_PERCENTILES:
            raise InputRuleError("percentile", f"is {self.percentile!r}; use one of {', '.join(LATENCY_PERCENTILES)}")
        return self


class RecommendationJobStoppingConditions(AwsShape):
    max_invocations: int | None = None
    model_latency_thresholds: Annotated[
        list[ModelLatencyThreshold], sagemaker("RecommendationJobStoppingConditions", "ModelLatencyThresholds")
    ] | None = None
    flat_invocations: Annotated[str, sagemaker("RecommendationJobStoppingConditions", "FlatInvocations")] | None = None

    @property
    def latency_threshold_ms(self) -> int | None:
        values = [t.value_in_milliseconds for t in self.model_latency_thresholds or [] if t.value_in_milliseconds]
        return min(values) if values else None


class RecommendationJobCompiledOutputConfig(AwsShape):
    s3_output_uri: S3Uri | None = None


class RecommendationJobOutputConfig(AwsShape):
    kms_key_id: KmsKeyId | None = None
    compiled_output_config: RecommendationJobCompiledOutputConfig | None = None


class InferenceRecommendationsJobInputs(BaseModel):
    """The validated inputs of an InferenceRecommendationsJob (what `pulumi preview` checks)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    job_name: Annotated[str, sagemaker("CreateInferenceRecommendationsJobRequest", "JobName")]
    job_type: Annotated[str, sagemaker("CreateInferenceRecommendationsJobRequest", "JobType")]
    role_arn: RoleArn
    input_config: RecommendationJobInputConfig
    job_description: Annotated[
        str, sagemaker("CreateInferenceRecommendationsJobRequest", "JobDescription")
    ] | None = None
    stopping_conditions: RecommendationJobStoppingConditions | None = None
    output_config: RecommendationJobOutputConfig | None = None
    tags: Tags | None = None
    timeouts: Timeouts | None = None

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
        return self


CREATE_MEMBERS = {
    "job_name": "JobName", "job_type": "JobType", "role_arn": "RoleArn", "input_config": "InputConfig",
    "job_description": "JobDescription", "stopping_conditions": "StoppingConditions", "output_config": "OutputConfig",
}
# Inputs that are not AWS fields of the job, or that SageMaker changes in place.
IN_PLACE = frozenset({"tags", "timeouts"})
RUNNING = frozenset({"PENDING", "IN_PROGRESS"})
COMPUTED_OUTPUTS = (
    "arn", "status", "failure_reason", "creation_time", "completion_time", "last_modified_time",
    "recommendations", "best_configuration", "endpoint_performances",
)
NOT_RERUNNABLE = (
    "SageMaker keeps a finished job under its name and cannot rerun it: change an input (or job_name) "
    "to run a new job"
)


class InferenceRecommendationsJobProvider(SageMakerProvider):
    kind = "SageMaker inference recommendations job"
    args_model = InferenceRecommendationsJobInputs
    name_field = "job_name"
    name_max_length = int(member_constraints(SERVICE, "CreateInferenceRecommendationsJobRequest", "JobName").max or 64)
    replace_keys = frozenset(InferenceRecommendationsJobInputs.model_fields) - IN_PLACE
    describe_operation = "DescribeInferenceRecommendationsJob"
    create_operation = "CreateInferenceRecommendationsJob"
    arn_key = "JobArn"
    # The longest job SageMaker allows runs five hours.
    default_timeouts = {"create": MAX_JOB_DURATION_SECONDS + 3600.0, "update": 600.0, "delete": 1800.0}

    def observable_inputs(self) -> frozenset[str]:
        # DescribeInferenceRecommendationsJob does not report the output configuration.
        return frozenset(self.args_model.model_fields) - {"output_config", "timeouts"}

    def create(self, props: dict[str, Any]) -> CreateResult:
        args: InferenceRecommendationsJobInputs = self.parse(props)
        name = args.job_name
        found, adopted = self.create_or_adopt(aws_request(args, CREATE_MEMBERS), props)
        if adopted:
            self.ensure_same_job(found, props)
        else:
            progress(f"{self.subject(name)}: started ({args.job_type} job)")
        try:
            self.wait_for("JobCompleted", name, deadline=self.deadline(props, "create"),
                          percent=benchmarks_done(self.client()))
        except ResourceFailedError as exc:
            raise ResourceFailedError(f"{exc}. {NOT_RERUNNABLE}") from None
        return CreateResult(name, self.outputs(name, props))

    def ensure_same_job(self, found: Mapping[str, Any], props: Mapping[str, Any]) -> None:
        """An adopted job must be the one these inputs describe: a job's inputs can never change."""
        described = self.observed_inputs(found)
        observed = self.normalize(described)
        requested = self.normalize({key: props.get(key) for key in described})
        differing = sorted(key for key in requested if not _covers(observed.get(key), requested[key]))
        if differing:
            raise MlopsError(
                f"{self.subject(found['JobName'])} already exists with other {', '.join(differing)}; SageMaker cannot "
                f"change, rename or delete a recommendations job: leave job_name unset for a generated name, or "
                f"choose a new one"
            )

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
            self.client().stop_inference_recommendations_job(JobName=id_)
            progress(f"{self.subject(id_)}: stopping the {status} job")
        if status in (*RUNNING, "STOPPING"):
            status = self.wait_for("JobStopped", id_, deadline=self.deadline(props, "delete")).response["Status"]
        progress(f"{self.subject(id_)} is {status}; SageMaker cannot delete recommendations jobs, so it stays "
                 f"listed in the account and is only removed from the stack")

    # -- read ---------------------------------------------------------------------------------------
    def observed_inputs(self, found: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "job_name": found["JobName"],
            "job_type": found["JobType"],
            "role_arn": found["RoleArn"],
            "input_config": snake_keys(found.get("InputConfig")),
            "job_description": found.get("JobDescription") or None,
            "stopping_conditions": snake_keys(found.get("StoppingConditions")),
        }

    def observe(self, name: str, props: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self.find(name)
        if found is None:
            return None
        recommendations = [_recommendation(item) for item in found.get("InferenceRecommendations") or []]
        stopping = RecommendationJobStoppingConditions.model_validate(
            props.get("stopping_conditions") or snake_keys(found.get("StoppingConditions")) or {}
        )
        return {
            **self.observed_inputs(found),
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
                {"endpoint_name": item["EndpointInfo"].get("EndpointName"), **snake_keys(item["Metrics"])}
                for item in found.get("EndpointPerformances") or []
            ],
        }


def _recommendation(item: Mapping[str, Any]) -> dict[str, Any]:
    """One InferenceRecommendation as a flat dict: where it runs, what it costs, how it performs."""
    endpoint = item.get("EndpointConfiguration") or {}
    model = item.get("ModelConfiguration") or {}
    flat = {
        "recommendation_id": item.get("RecommendationId"),
        "instance_type": endpoint.get("InstanceType"),
        "initial_instance_count": endpoint.get("InitialInstanceCount"),
        "serverless_config": snake_keys(endpoint.get("ServerlessConfig")),
        **snake_keys(item.get("Metrics") or {}),
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

    A recommendation meets them when its model_latency is at most the latency threshold
    (`stopping_conditions.model_latency_thresholds`, the lowest value when several are given) and
    its throughput, max_invocations times initial_instance_count, reaches
    `stopping_conditions.max_invocations`; a condition that is not set is met by every
    recommendation. A tie on cost_per_inference goes to the lower cost_per_hour. None when no
    recommendation qualifies (or the job has none).
    """
    threshold = stopping.latency_threshold_ms
    wanted = stopping.max_invocations

    def meets(item: Mapping[str, Any]) -> bool:
        latency, throughput = item.get("model_latency"), item.get("max_invocations")
        if threshold is not None and (latency is None or latency > threshold):
            return False
        count = item.get("initial_instance_count") or 1
        return wanted is None or (throughput is not None and throughput * count >= wanted)

    qualifying = [item for item in recommendations if meets(item) and item.get("cost_per_inference") is not None]
    if not qualifying:
        return None
    return min(qualifying, key=lambda item: (item["cost_per_inference"], item.get("cost_per_hour") or 0.0))


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
        outputs = (*InferenceRecommendationsJobInputs.model_fields, *COMPUTED_OUTPUTS)
        props = resource_props(resource_name, args, kwargs, outputs)
        super().__init__(InferenceRecommendationsJobProvider(), resource_name, props, opts)
