"""Inference experiments (shadow tests) against the in-process emulator, with models and endpoints in moto."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from pulumi_aws_mlops.emulator import Emulator

from .support import (
    ACCOUNT,
    PRODUCTION_MODEL,
    SHADOW_MODEL,
    THIRD_MODEL,
    create_endpoint,
    error_code,
    experiment_request,
    image_of,
    model_variant,
    schedule,
    shadow_mode,
)

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

NAME = "churn-shadow-test"
CREATE, START, UPDATE, STOP = 60, 60, 30, 60  # The default durations of the emulator's transitions.


def status(sagemaker: SageMakerClient, name: str = NAME) -> str:
    return sagemaker.describe_inference_experiment(Name=name)["Status"]


def create_running(sagemaker: SageMakerClient, emulator: Emulator, **overrides: Any) -> None:
    sagemaker.create_inference_experiment(**experiment_request(**overrides))
    emulator.clock.advance(CREATE + START)
    assert status(sagemaker, overrides.get("name", NAME)) == "Running"


def create_scheduled(sagemaker: SageMakerClient, emulator: Emulator, days_ahead: int = 1) -> None:
    """An experiment that waits in Created until a start one or more days away."""
    start = emulator.clock.now() + timedelta(days=days_ahead)
    sagemaker.create_inference_experiment(
        **experiment_request(Schedule=schedule(start, start + timedelta(days=3)))
    )
    emulator.clock.advance(CREATE)
    assert status(sagemaker) == "Created"


def test_create_returns_the_arn_and_describe_every_field(sagemaker: SageMakerClient, endpoint: str) -> None:
    arn = sagemaker.create_inference_experiment(
        **experiment_request(
            Description="v2 against v1",
            DataStorageConfig={"Destination": "s3://captures/churn", "KmsKey": "alias/capture"},
            KmsKey="alias/volumes",
            Tags=[{"Key": "team", "Value": "ml"}],
        )
    )["InferenceExperimentArn"]

    described = sagemaker.describe_inference_experiment(Name=NAME)

    assert arn == f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:inference-experiment/{NAME}"
    assert described["Arn"] == arn
    assert described["Status"] == "Creating"
    assert described["Type"] == "ShadowMode"
    assert described["Description"] == "v2 against v1"
    assert described["RoleArn"].endswith(":role/SageMakerExecution")
    assert described["KmsKey"] == "alias/volumes"
    assert described["DataStorageConfig"]["Destination"] == "s3://captures/churn"
    assert described["ShadowModeConfig"] == shadow_mode()
    assert described["EndpointMetadata"] == {
        "EndpointName": endpoint, "EndpointConfigName": "churn-config", "EndpointStatus": "InService"
    }
    assert [(v["VariantName"], v["ModelName"], v["Status"]) for v in described["ModelVariants"]] == [
        ("production", PRODUCTION_MODEL, "InService"),
        ("shadow", SHADOW_MODEL, "Creating"),
    ]
    assert described["CreationTime"] == described["LastModifiedTime"]
    assert "CompletionTime" not in described


def test_without_a_schedule_it_starts_at_once_runs_seven_days_and_deploys_the_shadow(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    sagemaker.create_inference_experiment(**experiment_request())
    emulator.clock.advance(CREATE)
    assert status(sagemaker) == "Starting"
    emulator.clock.advance(START)

    described = sagemaker.describe_inference_experiment(Name=NAME)
    assert described["Status"] == "Running"
    assert described["Schedule"]["EndTime"] - described["Schedule"]["StartTime"] == timedelta(days=7)
    assert [v["Status"] for v in described["ModelVariants"]] == ["InService", "InService"]

    # moto answers DescribeEndpoint: the shadow runs beside production under a new endpoint config.
    live = sagemaker.describe_endpoint(EndpointName=endpoint)
    assert live["EndpointConfigName"] == described["EndpointMetadata"]["EndpointConfigName"] != "churn-config"
    assert [v["VariantName"] for v in live["ProductionVariants"]] == ["production"]
    [shadow] = live["ShadowProductionVariants"]
    assert shadow["DeployedImages"][0]["SpecifiedImage"] == image_of(SHADOW_MODEL)
    assert shadow["CurrentWeight"] == 0.5  # 50% sampling relative to the production variant's weight 1.
    config = sagemaker.describe_endpoint_config(EndpointConfigName=live["EndpointConfigName"])
    assert config["ShadowProductionVariants"][0]["ModelName"] == SHADOW_MODEL
    assert config["ShadowProductionVariants"][0]["InstanceType"] == "ml.c6i.large"


def test_full_lifecycle_created_start_update_stop_and_promote(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    create_scheduled(sagemaker, emulator)

    sagemaker.start_inference_experiment(Name=NAME)
    assert status(sagemaker) == "Starting"
    emulator.clock.advance(START)
    assert status(sagemaker) == "Running"
    started = sagemaker.describe_inference_experiment(Name=NAME)["Schedule"]["StartTime"]

    new_end = emulator.clock.now() + timedelta(days=2)
    sagemaker.update_inference_experiment(
        Name=NAME,
        Description="sampling lowered",
        ShadowModeConfig=shadow_mode(percentage=20),
        Schedule=schedule(started, new_end),
    )
    updating = sagemaker.describe_inference_experiment(Name=NAME)
    assert updating["Status"] == "Updating"
    assert {v["Status"] for v in updating["ModelVariants"]} == {"Updating"}
    emulator.clock.advance(UPDATE)
    running = sagemaker.describe_inference_experiment(Name=NAME)
    assert running["Status"] == "Running"
    assert running["Description"] == "sampling lowered"
    assert running["ShadowModeConfig"]["ShadowModelVariants"][0]["SamplingPercentage"] == 20
    assert running["Schedule"]["EndTime"] == new_end.replace(microsecond=new_end.microsecond // 1000 * 1000)
    assert sagemaker.describe_endpoint(EndpointName=endpoint)["ShadowProductionVariants"][0]["CurrentWeight"] == 0.2

    sagemaker.stop_inference_experiment(
        Name=NAME, ModelVariantActions={"production": "Remove", "shadow": "Promote"}, Reason="v2 is better"
    )
    stopping = sagemaker.describe_inference_experiment(Name=NAME)
    assert stopping["Status"] == "Stopping"
    assert [v["Status"] for v in stopping["ModelVariants"]] == ["Deleting", "Updating"]
    emulator.clock.advance(STOP)

    done = sagemaker.describe_inference_experiment(Name=NAME)
    assert done["Status"] == "Completed"
    assert done["StatusReason"] == "v2 is better"
    assert done["CompletionTime"] == done["LastModifiedTime"]
    assert [v["Status"] for v in done["ModelVariants"]] == ["Deleted", "InService"]

    # The endpoint now serves the promoted model, as moto's own DescribeEndpoint shows.
    live = sagemaker.describe_endpoint(EndpointName=endpoint)
    assert [v["VariantName"] for v in live["ProductionVariants"]] == ["shadow"]
    assert live["ProductionVariants"][0]["DeployedImages"][0]["SpecifiedImage"] == image_of(SHADOW_MODEL)
    assert "ShadowProductionVariants" not in live
    config = sagemaker.describe_endpoint_config(EndpointConfigName=live["EndpointConfigName"])
    assert [(v["ModelName"], v["InstanceType"]) for v in config["ProductionVariants"]] == [
        (SHADOW_MODEL, "ml.c6i.large")
    ]
    assert done["EndpointMetadata"]["EndpointConfigName"] == live["EndpointConfigName"]


def test_scheduled_experiment_starts_on_time_and_ends_itself_restoring_the_endpoint(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    start = emulator.clock.now() + timedelta(hours=1)
    end = start + timedelta(days=1)
    sagemaker.create_inference_experiment(**experiment_request(Schedule=schedule(start, end)))
    emulator.clock.advance(CREATE)
    assert status(sagemaker) == "Created"
    emulator.clock.advance(3600 - CREATE + START)
    assert status(sagemaker) == "Running"
    assert "ShadowProductionVariants" in sagemaker.describe_endpoint(EndpointName=endpoint)

    emulator.clock.advance(timedelta(days=2).total_seconds())  # Read late: completion is stamped at EndTime.
    done = sagemaker.describe_inference_experiment(Name=NAME)
    assert done["Status"] == "Completed"
    assert done["CompletionTime"] == done["Schedule"]["EndTime"]
    assert [v["Status"] for v in done["ModelVariants"]] == ["InService", "Deleted"]
    live = sagemaker.describe_endpoint(EndpointName=endpoint)
    assert live["EndpointConfigName"] == "churn-config"
    assert "ShadowProductionVariants" not in live


def test_the_endpoint_is_back_as_it_was_for_whoever_looks_first_once_the_test_ends(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    """moto answers DescribeEndpoint; what the experiment did on the clock is there without describing it first."""
    create_running(sagemaker, emulator, Schedule=schedule(end=emulator.clock.now() + timedelta(days=1)))
    assert "ShadowProductionVariants" in sagemaker.describe_endpoint(EndpointName=endpoint)
    emulator.clock.advance(timedelta(days=1).total_seconds())
    live = sagemaker.describe_endpoint(EndpointName=endpoint)
    assert live["EndpointConfigName"] == "churn-config" and "ShadowProductionVariants" not in live
    assert status(sagemaker) == "Completed"


def test_stop_with_retain_keeps_both_and_desired_variants_resize_them(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    create_running(sagemaker, emulator)
    sagemaker.stop_inference_experiment(
        Name=NAME,
        ModelVariantActions={"production": "Retain", "shadow": "Promote"},
        DesiredModelVariants=[model_variant("shadow", SHADOW_MODEL, "ml.c6i.xlarge", count=2)],
        DesiredState="Cancelled",
    )
    emulator.clock.advance(STOP)

    assert status(sagemaker) == "Cancelled"
    config_name = sagemaker.describe_endpoint(EndpointName=endpoint)["EndpointConfigName"]
    variants = sagemaker.describe_endpoint_config(EndpointConfigName=config_name)["ProductionVariants"]
    assert [(v["VariantName"], v["InstanceType"], v["InitialInstanceCount"]) for v in variants] == [
        ("production", "ml.m5.large", 1),
        ("shadow", "ml.c6i.xlarge", 2),
    ]


def test_stop_retaining_the_shadow_leaves_it_shadowing(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    create_running(sagemaker, emulator)
    sagemaker.stop_inference_experiment(Name=NAME, ModelVariantActions={"production": "Retain", "shadow": "Retain"})
    emulator.clock.advance(STOP)
    live = sagemaker.describe_endpoint(EndpointName=endpoint)
    assert [v["VariantName"] for v in live["ShadowProductionVariants"]] == ["shadow"]


@pytest.mark.parametrize(
    ("actions", "desired"),
    [
        ({"production": "Retain"}, None),  # The shadow has no action.
        ({"production": "Retain", "shadow": "Remove", "other": "Remove"}, None),
        ({"production": "Promote", "shadow": "Remove"}, None),  # Production cannot be promoted.
        ({"production": "Remove", "shadow": "Remove"}, None),  # No production variant would remain.
        ({"production": "Retain", "shadow": "Remove"}, [model_variant("shadow", SHADOW_MODEL)]),
        ({"production": "Retain", "shadow": "Promote"}, [model_variant("shadow", "no-such-model")]),
    ],
)
def test_stop_rejects_inconsistent_variant_actions(
    sagemaker: SageMakerClient,
    emulator: Emulator,
    endpoint: str,
    actions: dict[str, Any],
    desired: list[dict[str, Any]] | None,
) -> None:
    create_running(sagemaker, emulator)
    extra = {"DesiredModelVariants": desired} if desired else {}
    with pytest.raises(ClientError) as exc:
        sagemaker.stop_inference_experiment(Name=NAME, ModelVariantActions=actions, **extra)
    assert error_code(exc) == "ValidationException"
    assert status(sagemaker) == "Running"


def test_start_stop_and_update_conflict_in_the_wrong_status(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    sagemaker.create_inference_experiment(**experiment_request())
    actions = {"production": "Retain", "shadow": "Remove"}
    for call in (
        lambda: sagemaker.update_inference_experiment(Name=NAME, Description="too early"),
        lambda: sagemaker.start_inference_experiment(Name=NAME),
        lambda: sagemaker.stop_inference_experiment(Name=NAME, ModelVariantActions=actions),
        lambda: sagemaker.delete_inference_experiment(Name=NAME),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_code(exc) == "ConflictException"

    emulator.clock.advance(CREATE + START)
    with pytest.raises(ClientError) as exc:
        sagemaker.start_inference_experiment(Name=NAME)  # Already running.
    assert error_code(exc) == "ConflictException"

    sagemaker.stop_inference_experiment(Name=NAME, ModelVariantActions=actions)
    emulator.clock.advance(STOP)
    with pytest.raises(ClientError) as exc:
        sagemaker.update_inference_experiment(Name=NAME, Description="too late")
    assert error_code(exc) == "ConflictException"


def test_update_while_created_changes_variants_schedule_and_data_capture(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    create_scheduled(sagemaker, emulator, days_ahead=2)
    start = emulator.clock.now() + timedelta(hours=1)
    sagemaker.update_inference_experiment(
        Name=NAME,
        ModelVariants=[model_variant("shadow", THIRD_MODEL, "ml.g4dn.xlarge")],
        Schedule=schedule(start, start + timedelta(days=1)),
        DataStorageConfig={"Destination": "s3://captures/v3"},
    )
    assert status(sagemaker) == "Updating"
    emulator.clock.advance(UPDATE)
    described = sagemaker.describe_inference_experiment(Name=NAME)
    assert described["Status"] == "Created"
    assert described["ModelVariants"][1]["ModelName"] == THIRD_MODEL
    assert described["DataStorageConfig"] == {"Destination": "s3://captures/v3"}

    emulator.clock.advance(3600 + START)  # The new, earlier start time now applies.
    assert status(sagemaker) == "Running"


@pytest.mark.parametrize(
    "update",
    [
        {"ModelVariants": [model_variant("shadow", THIRD_MODEL)]},
        {"DataStorageConfig": {"Destination": "s3://captures/late"}},
        {"ShadowModeConfig": shadow_mode(source="shadow", shadow="production")},
        {"ModelVariants": [model_variant("canary", SHADOW_MODEL)]},
    ],
)
def test_update_while_running_changes_only_description_sampling_and_end(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str, update: dict[str, Any]
) -> None:
    create_running(sagemaker, emulator)
    with pytest.raises(ClientError) as exc:
        sagemaker.update_inference_experiment(Name=NAME, **update)
    assert error_code(exc) == "ValidationException"
    assert status(sagemaker) == "Running"


def test_update_of_a_running_experiment_cannot_move_its_start_or_exceed_thirty_days(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    create_running(sagemaker, emulator)
    now = emulator.clock.now()
    for bad_schedule in (schedule(now + timedelta(hours=1)), schedule(end=now + timedelta(days=31))):
        with pytest.raises(ClientError) as exc:
            sagemaker.update_inference_experiment(Name=NAME, Schedule=bad_schedule)
        assert error_code(exc) == "ValidationException"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"ModelVariants": [model_variant("production", PRODUCTION_MODEL), model_variant("shadow", "missing")]},
         "ValidationException"),
        ({"EndpointName": "no-such-endpoint"}, "ValidationException"),
        ({"ShadowModeConfig": shadow_mode(shadow="canary")}, "ValidationException"),
        ({"ShadowModeConfig": shadow_mode(shadow="production")}, "ValidationException"),
        ({"ShadowModeConfig": shadow_mode(percentage=0)}, "ValidationException"),
        ({"ShadowModeConfig": shadow_mode(percentage=101)}, "ValidationException"),  # The service model's range.
        ({"ModelVariants": [model_variant("production", PRODUCTION_MODEL)]}, "ValidationException"),
        ({"ModelVariants": [model_variant("production", PRODUCTION_MODEL), model_variant("shadow", SHADOW_MODEL,
                                                                                          count=0)]},
         "ValidationException"),
        ({"Name": "x" * 121}, "ValidationException"),  # The service model's length limit.
    ],
)
def test_create_rejects_invalid_requests(
    sagemaker: SageMakerClient, endpoint: str, overrides: dict[str, Any], code: str
) -> None:
    with pytest.raises(ClientError) as exc:
        sagemaker.create_inference_experiment(**experiment_request(**overrides))
    assert error_code(exc) == code
    assert sagemaker.list_inference_experiments()["InferenceExperiments"] == []


def test_create_checks_the_schedule_limits(sagemaker: SageMakerClient, emulator: Emulator, endpoint: str) -> None:
    now = emulator.clock.now()
    for bad in (
        schedule(now + timedelta(days=1), now + timedelta(days=32)),  # Longer than 30 days.
        schedule(now + timedelta(days=2), now + timedelta(days=1)),  # Ends before it starts.
        schedule(end=now - timedelta(minutes=1)),  # Ends in the past.
    ):
        with pytest.raises(ClientError) as exc:
            sagemaker.create_inference_experiment(**experiment_request(Schedule=bad))
        assert error_code(exc) == "ValidationException"


def test_names_are_unique_and_an_endpoint_runs_one_experiment_at_a_time(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    sagemaker.create_inference_experiment(**experiment_request())
    for request in (experiment_request(), experiment_request(name="second-test")):
        with pytest.raises(ClientError) as exc:
            sagemaker.create_inference_experiment(**request)
        assert error_code(exc) == "ResourceInUse"

    create_endpoint(sagemaker, "other")
    sagemaker.create_inference_experiment(**experiment_request(name="second-test", endpoint_name="other"))


def test_too_many_unfinished_experiments_exceed_the_limit(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    emulator.quotas["active_experiments"] = 1
    sagemaker.create_inference_experiment(**experiment_request())
    create_endpoint(sagemaker, "other")
    with pytest.raises(ClientError) as exc:
        sagemaker.create_inference_experiment(**experiment_request(name="second-test", endpoint_name="other"))
    assert error_code(exc) == "ResourceLimitExceeded"


def test_an_endpoint_that_is_not_in_service_or_is_serverless_is_refused(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    from moto.sagemaker.models import sagemaker_backends

    sagemaker_backends[ACCOUNT]["us-east-1"].endpoints[endpoint].endpoint_status = "Updating"
    with pytest.raises(ClientError) as exc:
        sagemaker.create_inference_experiment(**experiment_request())
    assert error_code(exc) == "ValidationException"

    sagemaker.create_endpoint_config(
        EndpointConfigName="serverless-config",
        ProductionVariants=[{"VariantName": "production", "ModelName": PRODUCTION_MODEL,
                             "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}],
    )
    sagemaker.create_endpoint(EndpointName="serverless", EndpointConfigName="serverless-config")
    with pytest.raises(ClientError) as exc:
        sagemaker.create_inference_experiment(**experiment_request(endpoint_name="serverless"))
    assert error_code(exc) == "ValidationException"


def test_a_forced_failure_cancels_the_experiment_with_a_reason(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    emulator.faults.fail_next("experiment")
    sagemaker.create_inference_experiment(**experiment_request())
    emulator.clock.advance(CREATE + START)

    described = sagemaker.describe_inference_experiment(Name=NAME)
    assert described["Status"] == "Cancelled"
    assert "shadow" in described["StatusReason"]
    assert described["CompletionTime"] == described["LastModifiedTime"]
    assert sagemaker.describe_endpoint(EndpointName=endpoint)["EndpointConfigName"] == "churn-config"


def test_delete_only_once_finished_and_never_the_endpoint(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    create_running(sagemaker, emulator)
    with pytest.raises(ClientError) as exc:
        sagemaker.delete_inference_experiment(Name=NAME)
    assert error_code(exc) == "ConflictException"

    sagemaker.stop_inference_experiment(Name=NAME, ModelVariantActions={"production": "Retain", "shadow": "Remove"})
    emulator.clock.advance(STOP)
    arn = sagemaker.delete_inference_experiment(Name=NAME)["InferenceExperimentArn"]

    assert arn.endswith(f"inference-experiment/{NAME}")
    assert sagemaker.describe_endpoint(EndpointName=endpoint)["EndpointStatus"] == "InService"
    for call in (
        lambda: sagemaker.describe_inference_experiment(Name=NAME),
        lambda: sagemaker.delete_inference_experiment(Name=NAME),
        lambda: sagemaker.start_inference_experiment(Name=NAME),
        lambda: sagemaker.update_inference_experiment(Name=NAME, Description="gone"),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_code(exc) == "ResourceNotFound"
    sagemaker.create_inference_experiment(**experiment_request())  # The name is free again.


def test_a_created_experiment_can_be_deleted(sagemaker: SageMakerClient, emulator: Emulator, endpoint: str) -> None:
    create_scheduled(sagemaker, emulator)
    sagemaker.delete_inference_experiment(Name=NAME)
    assert sagemaker.list_inference_experiments()["InferenceExperiments"] == []


def test_list_filters_sorts_and_pages(sagemaker: SageMakerClient, emulator: Emulator, models: list[str]) -> None:
    names = ["alpha-test", "beta-test", "gamma-run"]
    for name in names:
        create_endpoint(sagemaker, f"{name}-endpoint")
        sagemaker.create_inference_experiment(**experiment_request(name=name, endpoint_name=f"{name}-endpoint"))
        emulator.clock.advance(CREATE + START)  # Each one is Running before the next is created.
    middle = sagemaker.describe_inference_experiment(Name="beta-test")

    def listed(**params: Any) -> list[str]:
        return [e["Name"] for e in sagemaker.list_inference_experiments(**params)["InferenceExperiments"]]

    assert listed() == ["gamma-run", "beta-test", "alpha-test"]  # Newest first by default.
    assert listed(SortBy="Name", SortOrder="Ascending") == names
    assert listed(NameContains="TEST", SortBy="Name", SortOrder="Ascending") == ["alpha-test", "beta-test"]
    assert listed(StatusEquals="Running", Type="ShadowMode") == ["gamma-run", "beta-test", "alpha-test"]
    assert listed(StatusEquals="Completed") == []
    assert listed(CreationTimeAfter=middle["CreationTime"]) == ["gamma-run"]
    assert listed(CreationTimeBefore=middle["CreationTime"]) == ["alpha-test"]
    assert listed(LastModifiedTimeAfter=middle["LastModifiedTime"]) == ["gamma-run"]
    assert listed(LastModifiedTimeBefore=middle["LastModifiedTime"]) == ["alpha-test"]

    first = sagemaker.list_inference_experiments(MaxResults=2, SortBy="Name", SortOrder="Ascending")
    assert [e["Name"] for e in first["InferenceExperiments"]] == names[:2]
    rest = sagemaker.list_inference_experiments(
        MaxResults=2, SortBy="Name", SortOrder="Ascending", NextToken=first["NextToken"]
    )
    assert [e["Name"] for e in rest["InferenceExperiments"]] == names[2:]
    assert "NextToken" not in rest
    summary = first["InferenceExperiments"][0]
    assert set(summary) >= {"Name", "Type", "Schedule", "Status", "CreationTime", "LastModifiedTime", "RoleArn"}

    paginator = sagemaker.get_paginator("list_inference_experiments")
    pages = paginator.paginate(PaginationConfig={"PageSize": 1})
    assert [e["Name"] for page in pages for e in page["InferenceExperiments"]] == list(reversed(names))

    with pytest.raises(ClientError) as exc:
        sagemaker.list_inference_experiments(NextToken="not-a-token")
    assert error_code(exc) == "ValidationException"


def test_the_call_log_records_emulated_operations_only(
    sagemaker: SageMakerClient, emulator: Emulator, endpoint: str
) -> None:
    sagemaker.create_inference_experiment(**experiment_request())
    with pytest.raises(ClientError):
        sagemaker.describe_inference_experiment(Name="missing")

    assert emulator.operations("sagemaker") == ["CreateInferenceExperiment", "DescribeInferenceExperiment"]
    assert emulator.calls[-1].error == "ResourceNotFound"
