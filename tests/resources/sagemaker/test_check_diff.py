"""check and diff of the SageMaker resources: what `pulumi preview` decides, with no AWS call."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from pulumi_aws_mlops._internal.errors import UnexpectedStateError
from pulumi_aws_mlops._internal.inputs import UNKNOWN, AwsShape
from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.sagemaker import (
    InferenceExperimentProvider,
    InferenceRecommendationsJobProvider,
    shapes,
)
from pulumi_aws_mlops.sagemaker.inference_recommendations_job import (
    RecommendationJobStoppingConditions,
    best_configuration,
)
from pulumi_aws_mlops.service_model import service_model
from tests.support.lifecycle import checked
from tests.support.sagemaker import CONTAINER, PROMOTE, experiment_inputs, job_inputs, load_test_inputs, variant

# An existing experiment's inputs: check judges a create (no olds) more strictly.
EXISTING = {"name": "churn-shadow-test-abcdefg"}


def ahead(**delta: float) -> str:
    """A time that far from now (negative: ago), as an input."""
    return (datetime.now(timezone.utc) + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(autouse=True)
def no_aws_call(emulator: Emulator) -> Iterator[None]:
    yield
    assert emulator.calls == [], "check and diff must not call AWS"


def failures_of(provider: Any, news: dict[str, Any], olds: dict[str, Any] | None = None) -> dict[str, str]:
    """{field path: reason} of every check failure."""
    result = provider.check(olds or {}, news)
    return dict(failure.reason.split(": ", 1) for failure in result.failures)


# -- InferenceExperiment ------------------------------------------------------------------------------
def test_auto_name_fits_sagemaker_names() -> None:
    name = checked(InferenceExperimentProvider(), experiment_inputs(seed="proj/dev/churn_shadow_test"))["name"]
    assert name.startswith("churn-shadow-test-") and "_" not in name
    long = checked(InferenceExperimentProvider(), experiment_inputs(seed="proj/dev/" + "x" * 300))["name"]
    assert len(long) == 120
    job_name = checked(InferenceRecommendationsJobProvider(), job_inputs(seed="proj/dev/" + "y" * 300))["job_name"]
    assert len(job_name) == 64


SOURCE_NOT_A_VARIANT = {"source_model_variant_name": "prod", "shadow_model_variants": [
    {"shadow_model_variant_name": "candidate", "sampling_percentage": 50}]}
TWO_SHADOWS = {"source_model_variant_name": "production", "shadow_model_variants": [
    {"shadow_model_variant_name": "candidate", "sampling_percentage": 50},
    {"shadow_model_variant_name": "other", "sampling_percentage": 50}]}
SHADOW_IS_SOURCE = {"source_model_variant_name": "production", "shadow_model_variants": [
    {"shadow_model_variant_name": "production", "sampling_percentage": 50}]}


@pytest.mark.parametrize(
    ("overrides", "path", "fragment"),
    [
        ({"name": "churn_test"}, "name", "pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}"),
        ({"name": "x" * 121}, "name", "length less than or equal to 120"),
        ({"type": "ABTest"}, "type", "enum value set: [ShadowMode]"),
        ({"role_arn": "sagemaker-role"}, "role_arn", "regular expression pattern"),
        ({"endpoint_name": "churn_endpoint"}, "endpoint_name", "regular expression pattern"),
        ({"shadow_mode_config": TWO_SHADOWS}, "shadow_mode_config.shadow_model_variants",
         "exactly one shadow variant"),
        ({"shadow_mode_config": SOURCE_NOT_A_VARIANT}, "shadow_mode_config.source_model_variant_name",
         "'prod' is not among the model_variants ['production', 'candidate']"),
        ({"shadow_mode_config": SHADOW_IS_SOURCE}, "shadow_mode_config.shadow_model_variants[0].shadow_model_variant_name",
         "is also the source (production) variant"),
        ({"model_variants": [variant("production", "churn-v1"), variant("production", "churn-v2")]},
         "model_variants", "repeats variant names ['production']"),
        ({"model_variants": [variant("production", "a"), variant("candidate", "b"), variant("c", "c")]},
         "model_variants", "length less than or equal to 2"),
        ({"model_variants": [{**variant("production", "a"), "infrastructure_config": {
            "real_time_inference_config": {"instance_type": "ml.m5.huge", "instance_count": 1}}}, variant("candidate", "b")]},
         "model_variants[0].infrastructure_config.real_time_inference_config.instance_type", "enum value set"),
        ({"shadow_mode_config": {"source_model_variant_name": "production", "shadow_model_variants": [
            {"shadow_model_variant_name": "candidate", "sampling_percentage": 101}]}},
         "shadow_mode_config.shadow_model_variants[0].sampling_percentage", "less than or equal to 100"),
        ({"schedule": {"start_time": "2026-03-02T00:00:00Z", "end_time": "2026-03-01T00:00:00Z"}},
         "schedule.end_time", "must be after start_time (2026-03-02T00:00:00Z)"),
        ({"schedule": {"start_time": "2026-03-01T00:00:00Z", "end_time": "2026-04-01T00:00:00+02:00"}},
         "schedule.end_time", "at most 30 days"),
        ({"schedule": {"start_time": "tomorrow"}}, "schedule.start_time", "not an ISO 8601 timestamp"),
        ({"data_storage_config": {"destination": "bucket/prefix"}}, "data_storage_config.destination", "pattern"),
        ({"desired_state": "Paused"}, "desired_state", "'Running', 'Completed' or 'Cancelled'"),
        ({"desired_state": "Completed"}, "model_variant_actions",
         "is required: desired_state 'Completed' stops the experiment, and StopInferenceExperiment needs an action "
         "(Promote, Remove or Retain) for every variant ['production', 'candidate']"),
        ({"desired_state": "Cancelled", "model_variant_actions": {"candidate": "Remove"}}, "model_variant_actions",
         "has no action for ['production']"),
        ({"model_variant_actions": {"candidate": "Promote", "prod": "Retain"}}, "model_variant_actions",
         "names ['prod'], which are not among the model_variants"),
        ({"model_variant_actions": {"candidate": "Keep", "production": "Retain"}}, "model_variant_actions.candidate",
         "enum value set: [Retain, Remove, Promote]"),
        ({"model_variant_actions": {"candidate": "Retain", "production": "Promote"}},
         "model_variant_actions.production", "only the shadow variant 'candidate' can be promoted"),
        ({"model_variant_actions": {"candidate": "Retain", "production": "Remove"}}, "model_variant_actions",
         "the endpoint would be left with no production variant"),
        ({"model_variant_actions": PROMOTE, "desired_model_variants": [variant("production", "churn-v1")]},
         "desired_model_variants[0].variant_name", "not a variant the endpoint keeps"),
        ({"tags": {"aws:team": "ml"}}, "tags", "keys starting with 'aws:' are reserved for AWS"),
        ({"tags": {"pulumi-aws-mlops:owner": "me"}}, "tags", "is reserved"),
        ({"tags": {f"k{i}": "v" for i in range(50)}}, "tags", "at most 49 are allowed"),
        ({"tags": {"team": "ml#1"}}, "tags", "tag 'team'"),
        ({"timeouts": {"create": "soon"}}, "timeouts.create", "is not a duration"),
        ({"endpoint": "churn"}, "endpoint", "not an input of this resource"),
    ],
)
def test_experiment_check_rejects(overrides: dict[str, Any], path: str, fragment: str) -> None:
    found = failures_of(InferenceExperimentProvider(), experiment_inputs(**overrides), olds=EXISTING)
    assert path in found, found
    assert fragment in found[path]


def test_experiment_check_accepts_a_promotion() -> None:
    inputs = experiment_inputs(desired_state="Completed", model_variant_actions=PROMOTE,
                               desired_model_variants=[variant("candidate", "churn-v2", instance_count=2)])
    assert failures_of(InferenceExperimentProvider(), inputs, olds=EXISTING) == {}


def test_a_new_experiment_must_start_running() -> None:
    inputs = experiment_inputs(desired_state="Completed", model_variant_actions=PROMOTE)
    found = failures_of(InferenceExperimentProvider(), inputs)
    assert "a new inference experiment starts as desired_state 'Running'" in found["desired_state"]


def test_experiment_check_skips_unknown_values_and_still_judges_known_rules() -> None:
    provider = InferenceExperimentProvider()
    unknown_endpoint = experiment_inputs(endpoint_name=UNKNOWN, role_arn=UNKNOWN)
    assert failures_of(provider, unknown_endpoint) == {}
    assert checked(provider, unknown_endpoint)["name"] == UNKNOWN, "the name hashes inputs not known yet"
    assert failures_of(provider, experiment_inputs(model_variants=UNKNOWN)) == {}
    stopping = experiment_inputs(endpoint_name=UNKNOWN, desired_state="Completed")
    assert "model_variant_actions" in failures_of(provider, stopping, olds=EXISTING)


def experiment_diff(olds: dict[str, Any], news: dict[str, Any], status: str = "Running",
                    running_schedule: dict[str, str] | None = None) -> Any:
    provider = InferenceExperimentProvider()
    old = {**checked(provider, experiment_inputs(name="t", **olds), EXISTING), "status": status,
           "running_schedule": running_schedule}
    return provider.diff("t", old, checked(provider, experiment_inputs(name="t", **news), EXISTING))


@pytest.mark.parametrize(
    ("olds", "news", "replaces"),
    [
        ({}, {"description": "v2 against v1"}, []),
        ({}, {"schedule": {"end_time": ahead(days=20)}}, []),
        ({}, {"tags": {"team": "ml"}}, []),
        ({}, {"desired_state": "Completed", "model_variant_actions": PROMOTE}, []),
        ({}, {"model_variant_actions": PROMOTE}, []),
        ({}, {"timeouts": {"delete": "2h"}}, []),
        ({}, {"role_arn": "arn:aws:iam::123456789012:role/other"}, ["role_arn"]),
        ({}, {"endpoint_name": "fraud"}, ["endpoint_name"]),
        ({}, {"kms_key": "alias/shadow"}, ["kms_key"]),
        ({"desired_state": "Completed", "model_variant_actions": PROMOTE}, {}, ["desired_state"]),
        ({"desired_state": "Cancelled", "model_variant_actions": PROMOTE}, {"desired_state": UNKNOWN},
         ["desired_state"]),
    ],
)
def test_experiment_diff(olds: dict[str, Any], news: dict[str, Any], replaces: list[str]) -> None:
    result = experiment_diff(olds, news)
    assert result.changes is True
    assert result.replaces == replaces
    assert result.delete_before_replace is True, "one experiment per endpoint: the old one goes first"


SCHEDULED = {"start_time": ahead(days=10), "end_time": ahead(days=17)}
BIGGER_CANDIDATE = [variant("production", "churn-v1"), variant("candidate", "churn-v2", instance_count=2)]
SAMPLE_LESS = {"source_model_variant_name": "production", "shadow_model_variants": [
    {"shadow_model_variant_name": "candidate", "sampling_percentage": 10}]}
SWAPPED = {"source_model_variant_name": "candidate", "shadow_model_variants": [
    {"shadow_model_variant_name": "production", "sampling_percentage": 50}]}


@pytest.mark.parametrize(
    ("status", "news", "replaces"),
    [
        # Once a test runs, SageMaker changes only its description, the shadow's sampling and the end time.
        ("Running", {"description": "v2 against v1"}, []),
        ("Running", {"shadow_mode_config": SAMPLE_LESS}, []),
        ("Running", {"schedule": {**SCHEDULED, "end_time": ahead(days=20)}}, []),
        ("Running", {"model_variants": BIGGER_CANDIDATE}, ["model_variants"]),
        ("Running", {"data_storage_config": {"destination": "s3://captures/churn"}}, ["data_storage_config"]),
        ("Running", {"shadow_mode_config": SWAPPED}, ["shadow_mode_config"]),
        ("Running", {"schedule": {**SCHEDULED, "start_time": ahead(days=11)}}, ["schedule"]),
        ("Running", {"schedule": {**SCHEDULED, "start_time": ahead(days=-1)}}, []),  # It has started: moot.
        ("Starting", {"model_variants": BIGGER_CANDIDATE}, ["model_variants"]),
        # Before it starts, everything it was created with but its identity changes in place.
        ("Created", {"model_variants": BIGGER_CANDIDATE}, []),
        ("Created", {"data_storage_config": {"destination": "s3://captures/churn"}}, []),
        ("Created", {"shadow_mode_config": SWAPPED}, []),
        ("Created", {"schedule": {**SCHEDULED, "start_time": ahead(days=11)}}, []),
    ],
)
def test_experiment_diff_follows_what_sagemaker_changes_in_each_status(
    status: str, news: dict[str, Any], replaces: list[str]
) -> None:
    running_schedule = {"start_time": ahead(days=1), "end_time": ahead(days=8)} if status == "Created" else None
    result = experiment_diff({"schedule": SCHEDULED}, {"schedule": SCHEDULED, **news}, status, running_schedule)
    assert result.changes is True and result.replaces == replaces


def test_experiment_diff_of_a_created_experiment_whose_start_time_has_passed_treats_it_as_started() -> None:
    started = {"start_time": ahead(hours=-1), "end_time": ahead(days=6)}
    result = experiment_diff({}, {"model_variants": BIGGER_CANDIDATE}, "Created", started)
    assert result.replaces == ["model_variants"]


def test_experiment_diff_of_a_running_test_past_its_end_time() -> None:
    ended = {"start_time": ahead(days=-8), "end_time": ahead(days=-1)}
    # SageMaker has completed it. The program still says Running: no new test until a refresh shows it ended.
    assert experiment_diff({}, {}, "Running", ended).changes is False
    # A promotion can no longer happen: the preview says so, with when it ended.
    with pytest.raises(UnexpectedStateError, match=rf"is Completed at {ended['end_time']}: it ended on its own"):
        experiment_diff({}, {"desired_state": "Completed", "model_variant_actions": PROMOTE}, "Running", ended)
    with pytest.raises(UnexpectedStateError, match=r"run `pulumi refresh` \(its end time has passed\)"):
        experiment_diff({}, {"description": "again"}, "Running", ended)


def test_experiment_diff_refuses_what_no_call_can_do() -> None:
    ended = {"start_time": ahead(days=-8), "end_time": ahead(days=-1)}
    with pytest.raises(UnexpectedStateError, match=r"is Completed.*description"):
        experiment_diff({"desired_state": "Completed", "model_variant_actions": PROMOTE},
                        {"desired_state": "Completed", "model_variant_actions": PROMOTE, "description": "again"},
                        "Completed", ended)
    with pytest.raises(UnexpectedStateError, match="has not started yet"):
        experiment_diff({}, {"desired_state": "Cancelled", "model_variant_actions": PROMOTE}, "Created",
                        {"start_time": ahead(days=1), "end_time": ahead(days=3)})


def test_a_schedule_must_lie_ahead_within_thirty_days() -> None:
    provider = InferenceExperimentProvider()
    past = failures_of(provider, experiment_inputs(schedule={"end_time": ahead(hours=-1)}))
    assert "is in the past" in past["schedule.end_time"]
    too_far = failures_of(provider, experiment_inputs(schedule={"end_time": ahead(days=31)}))
    assert "within 30 days" in too_far["schedule.end_time"]
    assert failures_of(provider, experiment_inputs(schedule={"end_time": ahead(days=29)})) == {}
    # An experiment that exists keeps the schedule it had, even once it is over.
    over = {"start_time": ahead(days=-8), "end_time": ahead(days=-1)}
    assert failures_of(provider, experiment_inputs(schedule=over), olds={**EXISTING, "schedule": over}) == {}


def test_experiment_diff_ignores_form_engine_floats_and_defaults() -> None:
    same = experiment_diff(
        {"schedule": {"start_time": "2026-06-01T00:00:00Z"}},
        {"schedule": {"start_time": "2026-06-01T02:00:00+02:00"}, "type": "ShadowMode",
         "model_variants": [variant("production", "churn-v1", 1.0), variant("candidate", "churn-v2")]},  # type: ignore[arg-type]
    )
    assert same.changes is False and same.replaces == []


def test_experiment_diff_unknown_endpoint_is_a_replacement() -> None:
    assert experiment_diff({}, {"endpoint_name": UNKNOWN}).replaces == ["endpoint_name"]


# -- InferenceRecommendationsJob -----------------------------------------------------------------------
def load_test(**input_config: Any) -> dict[str, Any]:
    inputs = load_test_inputs()
    inputs["input_config"] = {**inputs["input_config"], **input_config}
    return {key: value for key, value in inputs.items() if value is not None}


@pytest.mark.parametrize(
    ("inputs", "path", "fragment"),
    [
        (job_inputs(job_name="churn_sizing"), "job_name", "pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}"),
        (job_inputs(job_type="Quick"), "job_type", "enum value set: [Default, Advanced]"),
        (job_inputs(input_config={"job_duration_in_seconds": 600}), "input_config.model_name",
         "set exactly one of model_package_version_arn and model_name"),
        (job_inputs(input_config={"model_name": "m", "model_package_version_arn":
                                  "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/1"}),
         "input_config.model_name", "set exactly one"),
        (job_inputs(input_config={"model_name": "m", "job_duration_in_seconds": 20_000, "container_config": CONTAINER}),
         "input_config.job_duration_in_seconds", "at most 18000 seconds"),
        (load_test(endpoint_configurations=None), "input_config.endpoint_configurations",
         "is required for an Advanced job (a load test)"),
        (load_test(traffic_pattern=None), "input_config.traffic_pattern", "is required for an Advanced job"),
        (load_test_inputs(stopping_conditions=None), "stopping_conditions", "is required for an Advanced job"),
        (load_test(traffic_pattern={"traffic_type": "PHASES"}), "input_config.traffic_pattern.phases",
         "is required, and stairs not allowed, with traffic_type PHASES"),
        (load_test(traffic_pattern={"traffic_type": "STAIRS", "phases": [{"duration_in_seconds": 120}]}),
         "input_config.traffic_pattern.stairs", "is required, and phases not allowed, with traffic_type STAIRS"),
        (load_test(traffic_pattern={"traffic_type": "WAVES", "phases": [{}]}),
         "input_config.traffic_pattern.traffic_type", "enum value set: [PHASES, STAIRS]"),
        (load_test(endpoint_configurations=[{"instance_type": "ml.m5.large", "serverless_config": {
            "memory_size_in_mb": 2048, "max_concurrency": 1}}]),
         "input_config.endpoint_configurations[0].instance_type", "set exactly one of instance_type and serverless"),
        (load_test(endpoint_configurations=[{"serverless_config": {"memory_size_in_mb": 512, "max_concurrency": 1}}]),
         "input_config.endpoint_configurations[0].serverless_config.memory_size_in_mb", "greater than or equal to 1024"),
        (load_test(endpoint_configurations=[{"instance_type": f"ml.m5.{s}"} for s in ("large", "xlarge")] * 6),
         "input_config.endpoint_configurations", "length less than or equal to 10"),
        (load_test_inputs(stopping_conditions={"model_latency_thresholds": [
            {"percentile": "P50", "value_in_milliseconds": 10}]}),
         "stopping_conditions.model_latency_thresholds[0].percentile", "use one of P95, P99"),
        # What SageMaker documents beyond its service model (the load-test and recommendation pages).
        (load_test_inputs(stopping_conditions={"max_invocations": 300, "model_latency_thresholds": [
            {"percentile": "P99", "value_in_milliseconds": 100}]}),
         "stopping_conditions.model_latency_thresholds[0].percentile", "P95 for an Advanced job"),
        (load_test_inputs(stopping_conditions={"max_invocations": 30_001}), "stopping_conditions.max_invocations",
         "between 1 and 30000"),
        (load_test_inputs(stopping_conditions={"max_invocations": 0}), "stopping_conditions.max_invocations",
         "between 1 and 30000"),
        (job_inputs(input_config={"model_name": "churn-v2"}), "input_config.container_config",
         "is required with model_name"),
        (job_inputs(input_config={"model_name": "churn-v2", "container_config": {
            k: v for k, v in CONTAINER.items() if k != "framework"}}), "input_config.container_config.framework",
         "is required with model_name"),
        (job_inputs(input_config={"model_name": "churn-v2", "container_config": {**CONTAINER, "payload_config": {
            "sample_payload_url": "s3://b/payload.csv", "supported_content_types": ["text/csv"]}}}),
         "input_config.container_config.payload_config.sample_payload_url", ".tar.gz"),
        (load_test(resource_limit={"max_number_of_tests": 11}), "input_config.resource_limit.max_number_of_tests",
         "between 1 and 10"),
        (load_test(traffic_pattern={"phases": [{"initial_number_of_users": 4, "duration_in_seconds": 120}]}),
         "input_config.traffic_pattern.phases[0].initial_number_of_users", "between 1 and 3"),
        (load_test(traffic_pattern={"phases": [{"initial_number_of_users": 1, "duration_in_seconds": 60}]}),
         "input_config.traffic_pattern.phases[0].duration_in_seconds", "between 120 and 3600"),
        (job_inputs(output_config={"compiled_output_config": {"s3_output_uri": "bucket/key"}}),
         "output_config.compiled_output_config.s3_output_uri", "pattern"),
        (job_inputs(job_description="x" * 129), "job_description", "length less than or equal to 128"),
    ],
)
def test_job_check_rejects(inputs: dict[str, Any], path: str, fragment: str) -> None:
    found = failures_of(InferenceRecommendationsJobProvider(), inputs)
    assert path in found, found
    assert fragment in found[path]


def test_job_check_accepts_serverless_and_names_the_mime_member() -> None:
    provider = InferenceRecommendationsJobProvider()
    inputs = load_test(endpoint_configurations=[{"serverless_config": {"memory_size_in_mb": 2048, "max_concurrency": 2}}],
                       container_config={**CONTAINER, "supported_response_mime_types": ["text/csv"]})
    args = provider.parse(checked(provider, inputs))
    request = args.input_config.request()
    assert request["EndpointConfigurations"][0]["ServerlessConfig"]["MemorySizeInMB"] == 2048
    assert request["ContainerConfig"]["SupportedResponseMIMETypes"] == ["text/csv"]


def job_diff(news: dict[str, Any]) -> Any:
    provider = InferenceRecommendationsJobProvider()
    olds = checked(provider, job_inputs())
    return olds, provider.diff(olds["job_name"], olds, checked(provider, job_inputs(**news)))


@pytest.mark.parametrize(
    "news",
    [
        {"job_description": "sizing v2"},
        {"input_config": {"model_name": "churn-v2", "job_duration_in_seconds": 3600, "container_config": CONTAINER}},
        {"role_arn": "arn:aws:iam::123456789012:role/other"},
        {"stopping_conditions": {"max_invocations": 100}},
        {"output_config": {"kms_key_id": "alias/results"}},
        {"job_type": "Advanced", **load_test_inputs()},
    ],
)
def test_every_aws_input_of_a_job_makes_a_new_job_under_a_new_name(news: dict[str, Any]) -> None:
    olds, result = job_diff(news)
    assert result.changes is True and result.replaces, result.replaces
    new_name = checked(InferenceRecommendationsJobProvider(), job_inputs(**news))["job_name"]
    assert new_name != olds["job_name"], "jobs cannot be renamed or deleted: a new job needs a new name"


@pytest.mark.parametrize("news", [{"tags": {"team": "ml"}}, {"timeouts": {"create": "3h"}}])
def test_tags_and_timeouts_of_a_job_change_in_place(news: dict[str, Any]) -> None:
    olds, result = job_diff(news)
    assert result.changes is True and result.replaces == []
    assert checked(InferenceRecommendationsJobProvider(), job_inputs(**news))["job_name"] == olds["job_name"]


def test_job_diff_ignores_engine_floats() -> None:
    _, result = job_diff({"input_config": {"model_name": "churn-v1", "job_duration_in_seconds": 3600.0,
                                           "container_config": CONTAINER}})
    assert result.changes is False


def recommendation(instance_type: str, cost_per_inference: float, latency_ms: float, invocations: int,
                   count: int = 1, cost_per_hour: float = 1.0) -> dict[str, Any]:
    return {"instance_type": instance_type, "cost_per_inference": cost_per_inference,
            "model_latency_microseconds": int(latency_ms * 1000), "max_invocations": invocations,
            "initial_instance_count": count, "cost_per_hour": cost_per_hour}


def test_best_configuration_is_the_cheapest_that_meets_the_stopping_conditions() -> None:
    """Latencies are in microseconds, as SageMaker reports them; the threshold is in milliseconds."""
    candidates = [
        recommendation("ml.c5.large", 1e-7, latency_ms=180, invocations=900),  # cheapest, but too slow
        recommendation("ml.m5.large", 3e-7, latency_ms=90, invocations=200, count=2),  # 400 per minute on two
        recommendation("ml.c5.xlarge", 3e-7, latency_ms=60, invocations=500, cost_per_hour=0.5),  # cheaper hour
        recommendation("ml.t2.medium", 2e-7, latency_ms=50, invocations=100),  # cannot take 300 per minute
        recommendation("ml.c6i.large", 0.5e-7, latency_ms=100.001, invocations=900),  # 1 µs over 100 ms
    ]
    conditions = RecommendationJobStoppingConditions.model_validate({
        "max_invocations": 300, "model_latency_thresholds": [{"percentile": "P95", "value_in_milliseconds": 100}]})
    assert best_configuration(candidates, conditions)["instance_type"] == "ml.c5.xlarge"
    unconstrained = RecommendationJobStoppingConditions()
    assert best_configuration(candidates, unconstrained)["instance_type"] == "ml.c6i.large"
    strict = RecommendationJobStoppingConditions.model_validate({"max_invocations": 10_000})
    assert best_configuration(candidates, strict) is None


# -- the input shapes against botocore's service model ---------------------------------------------
SHAPES = sorted(
    {cls for module in (shapes,) for cls in vars(module).values()
     if isinstance(cls, type) and issubclass(cls, AwsShape) and cls is not AwsShape},
    key=lambda cls: cls.__name__,
)


@pytest.mark.parametrize("shape_class", SHAPES, ids=lambda cls: cls.__name__)
def test_every_input_shape_is_its_request_shape(shape_class: type[AwsShape]) -> None:
    """Each shape class is named after its botocore shape, and has exactly its members under their AWS names.

    A member AWS requires is a required input, or has a default the request always carries.
    """
    shape = service_model("sagemaker").shape_for(shape_class.__name__)
    members = {field.alias or name: field for name, field in shape_class.model_fields.items()}
    assert set(members) == set(shape.members)
    always_sent = {name for name, field in members.items() if field.is_required() or field.default is not None}
    assert {name for name, field in members.items() if field.is_required()} <= set(shape.required_members)
    assert set(shape.required_members) <= always_sent
