"""The input shapes of the SageMaker resources, mirroring the AWS request shapes in snake_case.

Each class is named after its botocore shape and has exactly its members (a test checks them against
the service model); constraints (patterns, enums, lengths, ranges) come from botocore's `sagemaker`
model, and the rules within one shape are checked here, at the field they are about.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import Field, model_validator

from .._internal.inputs import AwsShape, InputRuleError, aws, aws_tags
from .._internal.times import Timestamp, parse_timestamp

SERVICE = "sagemaker"


def sagemaker(shape: str, member: str | None = None) -> Any:
    """The constraints of a SageMaker shape, or of one member of a request structure."""
    return aws(SERVICE, shape, member)


RoleArn = Annotated[str, sagemaker("CreateInferenceExperimentRequest", "RoleArn")]
KmsKeyId = Annotated[str, sagemaker("CreateInferenceExperimentRequest", "KmsKey")]
EndpointName = Annotated[str, sagemaker("CreateInferenceExperimentRequest", "EndpointName")]
ModelName = Annotated[str, sagemaker("ModelVariantConfig", "ModelName")]
VariantName = Annotated[str, sagemaker("ModelVariantConfig", "VariantName")]
InstanceType = Annotated[str, sagemaker("RealTimeInferenceConfig", "InstanceType")]
S3Uri = Annotated[str, sagemaker("RecommendationJobPayloadConfig", "SamplePayloadUrl")]
Tags = Annotated[dict[str, str], aws_tags(SERVICE, "CreateInferenceExperimentRequest")]


# -- inference experiments (shadow tests) ----------------------------------------------------------
MAX_RUN_TIME = timedelta(days=30)  # The longest an inference experiment may run.


class RealTimeInferenceConfig(AwsShape):
    instance_type: InstanceType
    instance_count: Annotated[int, sagemaker("RealTimeInferenceConfig", "InstanceCount")]


class ModelInfrastructureConfig(AwsShape):
    # The only infrastructure SageMaker offers for experiments, so it need not be spelled out.
    infrastructure_type: Annotated[str, sagemaker("ModelInfrastructureConfig", "InfrastructureType")] = (
        "RealTimeInference"
    )
    real_time_inference_config: RealTimeInferenceConfig


class ModelVariantConfig(AwsShape):
    model_name: ModelName
    variant_name: VariantName
    infrastructure_config: ModelInfrastructureConfig


class InferenceExperimentSchedule(AwsShape):
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None

    @model_validator(mode="after")
    def _end_after_start_within_30_days(self) -> InferenceExperimentSchedule:
        if self.start_time and self.end_time:
            start, end = parse_timestamp(self.start_time), parse_timestamp(self.end_time)
            if end <= start:
                raise InputRuleError("end_time", f"({self.end_time}) must be after start_time ({self.start_time})")
            if end - start > MAX_RUN_TIME:
                raise InputRuleError(
                    "end_time", f"({self.end_time}) is {(end - start).days} days after start_time; "
                    f"an inference experiment runs for at most {MAX_RUN_TIME.days} days"
                )
        return self


class CaptureContentTypeHeader(AwsShape):
    csv_content_types: Annotated[
        list[Annotated[str, sagemaker("CsvContentType")]], sagemaker("CaptureContentTypeHeader", "CsvContentTypes")
    ] | None = None
    json_content_types: Annotated[
        list[Annotated[str, sagemaker("JsonContentType")]], sagemaker("CaptureContentTypeHeader", "JsonContentTypes")
    ] | None = None


class InferenceExperimentDataStorageConfig(AwsShape):
    destination: Annotated[str, sagemaker("InferenceExperimentDataStorageConfig", "Destination")]
    kms_key: KmsKeyId | None = None
    content_type: CaptureContentTypeHeader | None = None


class ShadowModelVariantConfig(AwsShape):
    shadow_model_variant_name: VariantName
    sampling_percentage: Annotated[int, sagemaker("ShadowModelVariantConfig", "SamplingPercentage")]


class ShadowModeConfig(AwsShape):
    source_model_variant_name: VariantName
    shadow_model_variants: list[ShadowModelVariantConfig]

    @model_validator(mode="after")
    def _one_shadow_beside_the_source(self) -> ShadowModeConfig:
        if len(self.shadow_model_variants) != 1:
            raise InputRuleError(
                "shadow_model_variants", f"has {len(self.shadow_model_variants)} variants; a shadow test compares "
                "exactly one shadow variant with the production (source) variant"
            )
        if self.shadow_variant_name == self.source_model_variant_name:
            raise InputRuleError(
                "shadow_model_variants[0].shadow_model_variant_name",
                f"{self.shadow_variant_name!r} is also the source (production) variant; the shadow must be another",
            )
        return self

    @property
    def shadow_variant_name(self) -> str:
        return self.shadow_model_variants[0].shadow_model_variant_name


# -- inference recommendations jobs (load tests) -------------------------------------------------------
# Limits SageMaker documents beyond its service model: the API reference's member descriptions and the developer
# guide's "Run a custom load test" page ("with a minimum of 1 and a maximum of 3", "... of 30,000", ...).
MAX_JOB_DURATION_SECONDS = 18_000  # Documented maximum of InputConfig.JobDurationInSeconds.
LATENCY_PERCENTILES = ("P95", "P99")  # The percentiles ModelLatencyThreshold accepts.
LOAD_TEST_PERCENTILE = "P95"  # "For custom load tests, specify the value as P95."
USERS = (1, 3)  # Phase.InitialNumberOfUsers.
LOAD_TEST_SPAWN_RATE = (0, 3)  # Phase.SpawnRate of a load test.
LOAD_TEST_TRAFFIC_SECONDS = (120, 3600)  # Phase and Stairs DurationInSeconds of a load test.
TESTS = (1, 10)  # ResourceLimit.MaxNumberOfTests and MaxParallelOfTests.
MAX_INVOCATIONS = (1, 30_000)  # StoppingConditions.MaxInvocations, requests per minute.
# What a job benchmarking a model by name (not a model package) must say of its container. The developer guide asks
# for "the ContainerConfig dictionary, which includes the required fields that need to be provided with the model
# name" without listing them; these are the fields SageMaker's Python SDK always sends with a model name.
CONTAINER_FIELDS_FOR_A_MODEL_NAME = ("domain", "task", "framework")
PAYLOAD_FIELDS_FOR_A_MODEL_NAME = ("sample_payload_url", "supported_content_types")


def _between(path: str, value: int | None, bounds: tuple[int, int], what: str = "") -> None:
    if value is not None and not bounds[0] <= value <= bounds[1]:
        raise InputRuleError(path, f"is {value}; SageMaker takes between {bounds[0]} and {bounds[1]}{what}")


class Phase(AwsShape):
    initial_number_of_users: Annotated[int, sagemaker("Phase", "InitialNumberOfUsers")] | None = None
    spawn_rate: Annotated[int, sagemaker("Phase", "SpawnRate")] | None = None
    duration_in_seconds: Annotated[int, sagemaker("Phase", "DurationInSeconds")] | None = None

    @model_validator(mode="after")
    def _users_within_limits(self) -> Phase:
        _between("initial_number_of_users", self.initial_number_of_users, USERS)
        return self


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

    @model_validator(mode="after")
    def _within_limits(self) -> RecommendationJobResourceLimit:
        _between("max_number_of_tests", self.max_number_of_tests, TESTS)
        _between("max_parallel_of_tests", self.max_parallel_of_tests, TESTS)
        return self


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

    @model_validator(mode="after")
    def _one_archive(self) -> RecommendationJobPayloadConfig:
        if self.sample_payload_url is not None and not self.sample_payload_url.endswith(".tar.gz"):
            raise InputRuleError("sample_payload_url", f"({self.sample_payload_url}) must point to a single gzip "
                                 "compressed tar archive (.tar.gz suffix)")
        return self


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
        if self.model_name is not None:
            self._check_container_of_a_model_name()
        if self.job_duration_in_seconds is not None and self.job_duration_in_seconds > MAX_JOB_DURATION_SECONDS:
            raise InputRuleError(
                "job_duration_in_seconds", f"is {self.job_duration_in_seconds}; a job runs for at most "
                f"{MAX_JOB_DURATION_SECONDS} seconds"
            )
        return self


    def _check_container_of_a_model_name(self) -> None:
        fields = ", ".join((*CONTAINER_FIELDS_FOR_A_MODEL_NAME, *(f"payload_config.{name}" for name in
                                                                  PAYLOAD_FIELDS_FOR_A_MODEL_NAME)))
        why = (f"is required with model_name (SageMaker reads it from a model package, but not from a model): "
               f"give {fields}")
        container = self.container_config
        if container is None:
            raise InputRuleError("container_config", why)
        for name in CONTAINER_FIELDS_FOR_A_MODEL_NAME:
            if getattr(container, name) is None:
                raise InputRuleError(f"container_config.{name}", why)
        for name in PAYLOAD_FIELDS_FOR_A_MODEL_NAME:
            if container.payload_config is None or getattr(container.payload_config, name) is None:
                raise InputRuleError(f"container_config.payload_config.{name}", why)


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

    @model_validator(mode="after")
    def _invocations_within_limits(self) -> RecommendationJobStoppingConditions:
        _between("max_invocations", self.max_invocations, MAX_INVOCATIONS, " requests per minute")
        return self

    @property
    def latency_threshold_ms(self) -> int | None:
        values = [t.value_in_milliseconds for t in self.model_latency_thresholds or [] if t.value_in_milliseconds]
        return min(values) if values else None


class RecommendationJobCompiledOutputConfig(AwsShape):
    s3_output_uri: S3Uri | None = None


class RecommendationJobOutputConfig(AwsShape):
    kms_key_id: KmsKeyId | None = None
    compiled_output_config: RecommendationJobCompiledOutputConfig | None = None
