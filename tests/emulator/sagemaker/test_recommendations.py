"""Inference recommendations jobs against the in-process emulator, with models and endpoints in moto."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from pulumi_aws_mlops.emulator import Emulator

from .support import ACCOUNT, CONTAINER, PRODUCTION_MODEL, ROLE_ARN, SHADOW_MODEL, error_code

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

START, RUN, STOP = 60, 1800, 30  # The default durations of the emulator's transitions.
METRICS = {"CostPerHour", "CostPerInference", "MaxInvocations", "ModelLatency", "CpuUtilization",
           "MemoryUtilization"}  # And ModelSetupTime for a serverless configuration.
MODEL = {"ModelName": PRODUCTION_MODEL, "ContainerConfig": CONTAINER}
PHASES = {"TrafficType": "PHASES", "Phases": [{"InitialNumberOfUsers": 1, "SpawnRate": 1, "DurationInSeconds": 120}]}
LOAD_TEST_STOP = {"MaxInvocations": 3000, "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 100}]}
ADVANCED_TYPES = ["ml.c5.xlarge", "ml.m5.xlarge", "ml.g4dn.xlarge", "ml.c6i.large"]


def default_job(sagemaker: SageMakerClient, name: str = "churn-default", **input_config: Any) -> str:
    return sagemaker.create_inference_recommendations_job(
        JobName=name, JobType="Default", RoleArn=ROLE_ARN,
        InputConfig={"ModelName": PRODUCTION_MODEL, "ContainerConfig": CONTAINER, **input_config},
    )["JobArn"]


def advanced_job(
    sagemaker: SageMakerClient, name: str = "churn-load-test", instance_types: list[str] = ADVANCED_TYPES, **extra: Any
) -> str:
    input_config: dict[str, Any] = {
        "ModelName": PRODUCTION_MODEL, "ContainerConfig": CONTAINER, "JobDurationInSeconds": 3600,
        "TrafficPattern": PHASES,
    }
    if instance_types:
        input_config["EndpointConfigurations"] = [{"InstanceType": instance_type} for instance_type in instance_types]
    input_config.update(extra.pop("input_config", {}))
    return sagemaker.create_inference_recommendations_job(
        JobName=name,
        JobType="Advanced",
        RoleArn=ROLE_ARN,
        InputConfig=input_config,
        StoppingConditions=extra.pop("stopping_conditions", LOAD_TEST_STOP),
        **extra,
    )["JobArn"]


def status(sagemaker: SageMakerClient, name: str) -> str:
    return sagemaker.describe_inference_recommendations_job(JobName=name)["Status"]


def step_statuses(sagemaker: SageMakerClient, name: str) -> list[str]:
    return [step["Status"] for step in sagemaker.list_inference_recommendations_job_steps(JobName=name)["Steps"]]


def test_default_job_recommends_three_instance_types_deterministically(
    sagemaker: SageMakerClient, emulator: Emulator, models: list[str]
) -> None:
    arn = default_job(sagemaker, JobDurationInSeconds=7200)
    assert arn == f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:inference-recommendations-job/churn-default"
    assert status(sagemaker, "churn-default") == "PENDING"
    emulator.clock.advance(START)
    assert status(sagemaker, "churn-default") == "IN_PROGRESS"
    emulator.clock.advance(RUN)

    described = sagemaker.describe_inference_recommendations_job(JobName="churn-default")
    assert described["Status"] == "COMPLETED"
    assert described["JobArn"] == arn
    assert described["JobType"] == "Default"
    assert described["InputConfig"] == {"ModelName": PRODUCTION_MODEL, "ContainerConfig": CONTAINER,
                                        "JobDurationInSeconds": 7200}
    assert described["CompletionTime"] == described["LastModifiedTime"]
    recommendations = described["InferenceRecommendations"]
    assert len(recommendations) == 3
    costs = [r["Metrics"]["CostPerInference"] for r in recommendations]
    assert costs == sorted(costs)  # Cheapest per inference first.
    for recommendation in recommendations:
        metrics = recommendation["Metrics"]
        assert set(metrics) == METRICS
        assert metrics["CostPerInference"] == pytest.approx(
            metrics["CostPerHour"] / (metrics["MaxInvocations"] * 60), rel=1e-3
        )
        assert 0 < metrics["CpuUtilization"] <= 100 and 0 < metrics["MemoryUtilization"] < 100
        assert recommendation["EndpointConfiguration"]["InstanceType"].startswith("ml.")
        assert recommendation["InvocationStartTime"] < recommendation["InvocationEndTime"]
        assert recommendation["RecommendationId"].startswith("churn-default/")

    # The same model gets the same numbers in another job: results derive from the inputs alone.
    default_job(sagemaker, name="churn-default-again", JobDurationInSeconds=7200)
    emulator.clock.advance(START + RUN)
    again = sagemaker.describe_inference_recommendations_job(JobName="churn-default-again")
    assert [r["Metrics"] for r in again["InferenceRecommendations"]] == [r["Metrics"] for r in recommendations]


def test_supported_instance_types_bound_what_a_default_job_benchmarks(
    sagemaker: SageMakerClient, emulator: Emulator, models: list[str]
) -> None:
    supported = ["ml.c5.large", "ml.m6i.large", "ml.c7g.large", "ml.r6i.large"]
    default_job(sagemaker, ContainerConfig={**CONTAINER, "SupportedInstanceTypes": supported})
    emulator.clock.advance(START + RUN)
    steps = sagemaker.list_inference_recommendations_job_steps(JobName="churn-default")["Steps"]
    benchmarked = [step["InferenceBenchmark"]["EndpointConfiguration"]["InstanceType"] for step in steps]
    assert benchmarked == supported
    recommended = sagemaker.describe_inference_recommendations_job(JobName="churn-default")["InferenceRecommendations"]
    assert {r["EndpointConfiguration"]["InstanceType"] for r in recommended} <= set(supported)


def test_advanced_job_measures_every_configuration_within_the_stopping_conditions(
    sagemaker: SageMakerClient, emulator: Emulator, models: list[str]
) -> None:
    advanced_job(sagemaker, JobDescription="peak traffic")
    emulator.clock.advance(START + RUN)

    described = sagemaker.describe_inference_recommendations_job(JobName="churn-load-test")
    assert described["Status"] == "COMPLETED"
    assert described["JobDescription"] == "peak traffic"
    assert described["StoppingConditions"] == LOAD_TEST_STOP
    results = {r["EndpointConfiguration"]["InstanceType"]: r for r in described["InferenceRecommendations"]}
    assert set(results) == set(ADVANCED_TYPES)
    for result in results.values():
        metrics = result["Metrics"]
        # Load stopped at the latency threshold: 100 ms, reported in microseconds.
        assert 1_000 <= metrics["ModelLatency"] <= 100_000
        # Enough instances to serve the expected 3000 invocations per minute.
        assert result["EndpointConfiguration"]["InitialInstanceCount"] * metrics["MaxInvocations"] >= 3000
    gpu, cpu = results["ml.g4dn.xlarge"]["Metrics"], results["ml.c6i.large"]["Metrics"]
    assert gpu["CostPerHour"] > cpu["CostPerHour"] and gpu["MaxInvocations"] > cpu["MaxInvocations"]


def test_environment_parameter_ranges_and_serverless_configs_are_each_benchmarked(
    sagemaker: SageMakerClient, emulator: Emulator, models: list[str]
) -> None:
    configurations = [
        {"InstanceType": "ml.c5.xlarge", "EnvironmentParameterRanges": {
            "CategoricalParameterRanges": [{"Name": "OMP_NUM_THREADS", "Value": ["1", "2", "4"]}]}},
        {"ServerlessConfig": {"MemorySizeInMB": 4096, "MaxConcurrency": 10}},
    ]
    advanced_job(sagemaker, instance_types=[], input_config={"EndpointConfigurations": configurations})
    emulator.clock.advance(START + RUN)

    results = sagemaker.describe_inference_recommendations_job(JobName="churn-load-test")["InferenceRecommendations"]
    threads = sorted(
        r["ModelConfiguration"]["EnvironmentParameters"][0]["Value"] for r in results if "EnvironmentParameters" in
        r["ModelConfiguration"]
    )
    assert threads == ["1", "2", "4"]
    [serverless] = [r for r in results if "ServerlessConfig" in r["EndpointConfiguration"]]
    assert serverless["EndpointConfiguration"]["ServerlessConfig"] == configurations[1]["ServerlessConfig"]
    # Launching serverless compute takes seconds; SageMaker reports it in microseconds, and for serverless only.
    assert serverless["Metrics"]["ModelSetupTime"] >= 1_000_000
    assert all("ModelSetupTime" not in r["Metrics"] for r in results if r is not serverless)


def test_a_load_test_of_an_existing_endpoint_reports_its_performance(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    advanced_job(sagemaker, instance_types=[], input_config={"Endpoints": [{"EndpointName": endpoint}]})
    emulator.clock.advance(START + RUN)

    [performance] = sagemaker.describe_inference_recommendations_job(JobName="churn-load-test")["EndpointPerformances"]
    assert performance["EndpointInfo"] == {"EndpointName": endpoint}
    assert set(performance["Metrics"]) == {"MaxInvocations", "ModelLatency"}
    [step] = sagemaker.list_inference_recommendations_job_steps(JobName="churn-load-test")["Steps"]
    assert step["InferenceBenchmark"]["EndpointMetrics"] == performance["Metrics"]


def test_steps_show_progress_wave_by_wave(sagemaker: SageMakerClient, emulator: Emulator, models: list[str]) -> None:
    advanced_job(sagemaker, input_config={"ResourceLimit": {"MaxNumberOfTests": 4, "MaxParallelOfTests": 1}})
    assert step_statuses(sagemaker, "churn-load-test") == ["PENDING"] * 4
    emulator.clock.advance(START)

    seen = []
    for _ in range(4):
        statuses = step_statuses(sagemaker, "churn-load-test")
        seen.append(statuses.count("COMPLETED") / len(statuses))
        assert statuses.count("IN_PROGRESS") == 1
        emulator.clock.advance(RUN / 4)
    assert seen == [0, 0.25, 0.5, 0.75]
    assert step_statuses(sagemaker, "churn-load-test") == ["COMPLETED"] * 4

    steps = sagemaker.list_inference_recommendations_job_steps(JobName="churn-load-test")["Steps"]
    first = steps[0]
    assert first["StepType"] == "BENCHMARK" and first["JobName"] == "churn-load-test"
    assert set(first["InferenceBenchmark"]["Metrics"]) == METRICS
    assert first["InferenceBenchmark"]["InvocationEndTime"] <= steps[1]["InferenceBenchmark"]["InvocationStartTime"]

    page = sagemaker.list_inference_recommendations_job_steps(JobName="churn-load-test", MaxResults=3)
    rest = sagemaker.list_inference_recommendations_job_steps(
        JobName="churn-load-test", MaxResults=3, NextToken=page["NextToken"]
    )
    assert len(page["Steps"]) == 3 and len(rest["Steps"]) == 1 and "NextToken" not in rest
    filtered = sagemaker.list_inference_recommendations_job_steps(
        JobName="churn-load-test", Status="FAILED", StepType="BENCHMARK"
    )
    assert filtered["Steps"] == []


def test_job_duration_caps_the_run_time(sagemaker: SageMakerClient, emulator: Emulator, models: list[str]) -> None:
    default_job(sagemaker, JobDurationInSeconds=600)
    emulator.clock.advance(START + 600)
    assert status(sagemaker, "churn-default") == "COMPLETED"


def test_stop_ends_the_job_with_what_finished_so_far(
    sagemaker: SageMakerClient, emulator: Emulator, models: list[str]
) -> None:
    advanced_job(sagemaker, input_config={"ResourceLimit": {"MaxParallelOfTests": 2}})
    emulator.clock.advance(START + RUN / 2 + 1)  # The first wave of two benchmarks has finished.
    sagemaker.stop_inference_recommendations_job(JobName="churn-load-test")
    assert status(sagemaker, "churn-load-test") == "STOPPING"
    assert step_statuses(sagemaker, "churn-load-test") == ["COMPLETED", "COMPLETED", "STOPPING", "STOPPING"]
    sagemaker.stop_inference_recommendations_job(JobName="churn-load-test")  # Stopping twice is harmless.
    emulator.clock.advance(STOP)

    described = sagemaker.describe_inference_recommendations_job(JobName="churn-load-test")
    assert described["Status"] == "STOPPED"
    assert "CompletionTime" in described
    assert len(described["InferenceRecommendations"]) == 2
    assert step_statuses(sagemaker, "churn-load-test") == ["COMPLETED", "COMPLETED", "STOPPED", "STOPPED"]

    with pytest.raises(ClientError) as exc:
        sagemaker.stop_inference_recommendations_job(JobName="churn-load-test")
    assert error_code(exc) == "ValidationException"


def test_a_pending_job_can_be_stopped(sagemaker: SageMakerClient, emulator: Emulator, models: list[str]) -> None:
    default_job(sagemaker)
    sagemaker.stop_inference_recommendations_job(JobName="churn-default")
    emulator.clock.advance(STOP + START + RUN)
    described = sagemaker.describe_inference_recommendations_job(JobName="churn-default")
    assert described["Status"] == "STOPPED"
    assert "InferenceRecommendations" not in described
    assert set(step_statuses(sagemaker, "churn-default")) == {"STOPPED"}


def test_a_forced_failure_fails_the_job_with_a_reason(
    sagemaker: SageMakerClient, emulator: Emulator, models: list[str]
) -> None:
    emulator.faults.fail_next("recommendations")
    advanced_job(sagemaker)
    emulator.clock.advance(START + RUN)

    described = sagemaker.describe_inference_recommendations_job(JobName="churn-load-test")
    assert described["Status"] == "FAILED"
    assert "health check" in described["FailureReason"]
    assert "InferenceRecommendations" not in described
    [failed] = sagemaker.list_inference_recommendations_job_steps(JobName="churn-load-test", Status="FAILED")["Steps"]
    assert failed["InferenceBenchmark"]["FailureReason"] == described["FailureReason"]
    with pytest.raises(ClientError) as exc:
        sagemaker.stop_inference_recommendations_job(JobName="churn-load-test")
    assert error_code(exc) == "ValidationException"


def test_a_model_package_version_can_be_benchmarked(
    sagemaker: SageMakerClient, emulator: Emulator, model_package_arn: str
) -> None:
    sagemaker.create_inference_recommendations_job(
        JobName="package-job", JobType="Default", RoleArn=ROLE_ARN,
        InputConfig={"ModelPackageVersionArn": model_package_arn},
    )
    emulator.clock.advance(START + RUN)
    assert status(sagemaker, "package-job") == "COMPLETED"
    [summary] = sagemaker.list_inference_recommendations_jobs(ModelPackageVersionArnEquals=model_package_arn)[
        "InferenceRecommendationsJobs"
    ]
    assert summary["ModelPackageVersionArn"] == model_package_arn


@pytest.mark.parametrize(
    ("job_type", "input_config", "stopping_conditions"),
    [
        ("Default", {**MODEL, "ModelPackageVersionArn": "x"}, None),
        ("Default", {}, None),
        ("Default", {**MODEL, "ModelName": "no-such-model"}, None),
        # A model by name needs its container described ("provide the ContainerConfig dictionary").
        ("Default", {"ModelName": PRODUCTION_MODEL}, None),
        ("Default", {"ModelName": PRODUCTION_MODEL, "ContainerConfig": {
            k: v for k, v in CONTAINER.items() if k != "Framework"}}, None),
        ("Default", {**MODEL, "ContainerConfig": {**CONTAINER, "PayloadConfig": {
            "SamplePayloadUrl": "s3://payloads/churn.csv", "SupportedContentTypes": ["text/csv"]}}}, None),
        # A load test's latency percentile is P95; MaxInvocations 1 to 30,000; tests 1 to 10.
        ("Advanced", {**MODEL, "EndpointConfigurations": [{"InstanceType": "ml.c5.xlarge"}],
                      "TrafficPattern": PHASES},
         {"MaxInvocations": 300, "ModelLatencyThresholds": [{"Percentile": "P99", "ValueInMilliseconds": 100}]}),
        ("Advanced", {**MODEL, "EndpointConfigurations": [{"InstanceType": "ml.c5.xlarge"}],
                      "TrafficPattern": PHASES}, {"MaxInvocations": 30_001}),
        ("Advanced", {**MODEL, "EndpointConfigurations": [{"InstanceType": "ml.c5.xlarge"}],
                      "TrafficPattern": PHASES, "ResourceLimit": {"MaxParallelOfTests": 11}}, LOAD_TEST_STOP),
        ("Default", {"ModelPackageVersionArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-package/none/1"}, None),
        ("Default", {**MODEL, "JobDurationInSeconds": 18_001}, None),
        ("Default", {**MODEL, "EndpointConfigurations": [{}]}, None),
        ("Default", {**MODEL, "Endpoints": [{"EndpointName": "no-such-endpoint"}]}, None),
        ("Default", MODEL,
         {"ModelLatencyThresholds": [{"Percentile": "P50", "ValueInMilliseconds": 100}]}),
        ("Advanced", {**MODEL, "EndpointConfigurations": [{"InstanceType": "ml.c5.xlarge"}]},
         LOAD_TEST_STOP),  # No traffic pattern.
        ("Advanced", {**MODEL, "TrafficPattern": PHASES}, LOAD_TEST_STOP),  # Nothing to test.
        ("Advanced", {**MODEL, "TrafficPattern": PHASES,
                      "EndpointConfigurations": [{"InstanceType": "ml.c5.xlarge"}]}, None),  # No stopping conditions.
        ("Advanced", {**MODEL, "EndpointConfigurations": [{"InstanceType": "ml.c5.xlarge"}],
                      "TrafficPattern": {"TrafficType": "PHASES", "Phases": [
                          {"InitialNumberOfUsers": 5, "SpawnRate": 1, "DurationInSeconds": 120}]}}, LOAD_TEST_STOP),
        ("Advanced", {**MODEL, "EndpointConfigurations": [{"InstanceType": "ml.c5.xlarge"}],
                      "TrafficPattern": {"TrafficType": "PHASES", "Phases": [
                          {"InitialNumberOfUsers": 1, "SpawnRate": 1, "DurationInSeconds": 60}]}}, LOAD_TEST_STOP),
        ("Advanced", {**MODEL, "EndpointConfigurations": [{"InstanceType": "ml.c5.xlarge"}],
                      "JobDurationInSeconds": 200, "TrafficPattern": {"TrafficType": "PHASES", "Phases": [
                          {"InitialNumberOfUsers": 1, "SpawnRate": 1, "DurationInSeconds": 120}] * 2}},
         LOAD_TEST_STOP),  # The phases outlast the job.
        ("Advanced", {**MODEL, "EndpointConfigurations": [{"InstanceType": "ml.c5.xlarge"}],
                      "TrafficPattern": {"TrafficType": "STAIRS", "Phases": PHASES["Phases"]}}, LOAD_TEST_STOP),
        ("Sometimes", MODEL, None),  # The service model's enum.
    ],
)
def test_create_rejects_invalid_jobs(
    sagemaker: SageMakerClient,
    models: list[str],
    job_type: str,
    input_config: dict[str, Any],
    stopping_conditions: dict[str, Any] | None,
) -> None:
    extra = {"StoppingConditions": stopping_conditions} if stopping_conditions else {}
    with pytest.raises(ClientError) as exc:
        sagemaker.create_inference_recommendations_job(
            JobName="bad-job", JobType=job_type, RoleArn=ROLE_ARN, InputConfig=input_config, **extra
        )
    assert error_code(exc) == "ValidationException"
    assert sagemaker.list_inference_recommendations_jobs()["InferenceRecommendationsJobs"] == []


def test_a_job_name_stays_taken_and_unfinished_jobs_are_limited(
    sagemaker: SageMakerClient, emulator: Emulator, models: list[str]
) -> None:
    default_job(sagemaker)
    emulator.clock.advance(START + RUN)
    with pytest.raises(ClientError) as exc:
        default_job(sagemaker)  # Completed jobs cannot be deleted, so their names stay taken.
    assert error_code(exc) == "ResourceInUse"

    emulator.quotas["active_recommendation_jobs"] = 1
    default_job(sagemaker, name="second")
    with pytest.raises(ClientError) as exc:
        default_job(sagemaker, name="third")
    assert error_code(exc) == "ResourceLimitExceeded"


def test_unknown_jobs_are_not_found(sagemaker: SageMakerClient, emulator: Emulator) -> None:
    for call in (
        lambda: sagemaker.describe_inference_recommendations_job(JobName="missing"),
        lambda: sagemaker.stop_inference_recommendations_job(JobName="missing"),
        lambda: sagemaker.list_inference_recommendations_job_steps(JobName="missing"),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_code(exc) == "ResourceNotFound"


def test_list_filters_sorts_and_pages(sagemaker: SageMakerClient, emulator: Emulator, models: list[str]) -> None:
    default_job(sagemaker, name="alpha-job")
    emulator.clock.advance(START + RUN)  # alpha-job completes.
    default_job(sagemaker, name="beta-job")
    emulator.clock.advance(START)  # beta-job is in progress.
    sagemaker.create_inference_recommendations_job(
        JobName="gamma", JobType="Default", RoleArn=ROLE_ARN,
        InputConfig={"ModelName": SHADOW_MODEL, "ContainerConfig": CONTAINER},
    )
    beta = sagemaker.describe_inference_recommendations_job(JobName="beta-job")

    def listed(**params: Any) -> list[str]:
        jobs = sagemaker.list_inference_recommendations_jobs(**params)["InferenceRecommendationsJobs"]
        return [job["JobName"] for job in jobs]

    assert listed() == ["gamma", "beta-job", "alpha-job"]
    assert listed(SortBy="Name", SortOrder="Ascending") == ["alpha-job", "beta-job", "gamma"]
    assert listed(SortBy="Status", SortOrder="Ascending") == ["alpha-job", "beta-job", "gamma"]
    assert listed(NameContains="JOB") == ["beta-job", "alpha-job"]
    assert listed(StatusEquals="COMPLETED") == ["alpha-job"]
    assert listed(ModelNameEquals=SHADOW_MODEL) == ["gamma"]
    assert listed(CreationTimeAfter=beta["CreationTime"]) == ["gamma"]
    assert listed(CreationTimeBefore=beta["CreationTime"]) == ["alpha-job"]
    assert listed(LastModifiedTimeBefore=beta["LastModifiedTime"]) == ["alpha-job"]

    first = sagemaker.list_inference_recommendations_jobs(MaxResults=2)
    second = sagemaker.list_inference_recommendations_jobs(MaxResults=2, NextToken=first["NextToken"])
    pages = first["InferenceRecommendationsJobs"] + second["InferenceRecommendationsJobs"]
    assert [job["JobName"] for job in pages] == ["gamma", "beta-job", "alpha-job"]
    summary = first["InferenceRecommendationsJobs"][0]
    assert summary["JobDescription"] == "" and summary["ModelName"] == SHADOW_MODEL and summary["Status"] == "PENDING"
    assert set(summary) >= {"JobArn", "JobType", "CreationTime", "RoleArn", "LastModifiedTime"}


def test_describe_reports_what_sagemaker_reports_not_an_echo_of_the_request(
    sagemaker: SageMakerClient, emulator: Emulator, models: list[str]
) -> None:
    """The developer guide's examples: a Default job shows JobDurationInSeconds 0 when the request set none, and a
    load test shows its traffic pattern by type alone."""
    default_job(sagemaker)
    advanced_job(sagemaker)
    default = sagemaker.describe_inference_recommendations_job(JobName="churn-default")["InputConfig"]
    assert default == {"ModelName": PRODUCTION_MODEL, "ContainerConfig": CONTAINER, "JobDurationInSeconds": 0}
    load_test = sagemaker.describe_inference_recommendations_job(JobName="churn-load-test")["InputConfig"]
    assert load_test["TrafficPattern"] == {"TrafficType": "PHASES"}
    assert load_test["JobDurationInSeconds"] == 3600
    emulator.clock.advance(START + RUN)
    steps = sagemaker.list_inference_recommendations_job_steps(JobName="churn-load-test")["Steps"]
    assert len(steps) == len(ADVANCED_TYPES), "the phases the request gave still drive the load test"


def test_a_new_job_is_not_found_while_eventual_consistency_hides_it(
    sagemaker: SageMakerClient, emulator: Emulator, models: list[str]
) -> None:
    emulator.faults.update({"eventual_consistency": 10})
    default_job(sagemaker)
    for call in (lambda: sagemaker.describe_inference_recommendations_job(JobName="churn-default"),
                 lambda: sagemaker.list_inference_recommendations_job_steps(JobName="churn-default")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_code(exc) == "ResourceNotFound"
    assert sagemaker.list_inference_recommendations_jobs()["InferenceRecommendationsJobs"] == []
    with pytest.raises(ClientError) as exc:
        default_job(sagemaker)  # The name is taken all the same.
    assert error_code(exc) == "ResourceInUse"
    emulator.clock.advance(10)
    assert status(sagemaker, "churn-default") == "PENDING"
