"""InferenceExperiment against the in-process emulator: run, update in place, promote on stop, drift, adoption."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest

from pulumi_aws_mlops._internal.errors import (
    OwnershipError,
    ResourceFailedError,
    UnexpectedStateError,
    WaitTimeoutError,
)
from pulumi_aws_mlops._internal.naming import NAME_SEED_KEY, OWNER_TAG_KEY, owner_token
from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.sagemaker import InferenceExperimentProvider
from tests.support.lifecycle import checked, create, update
from tests.support.sagemaker import (
    CANDIDATE_MODEL,
    ENDPOINT,
    PRODUCTION_MODEL,
    PROMOTE,
    experiment_inputs,
    image_of,
    imported,
    sagemaker_mutations,
)

pytestmark = pytest.mark.usefixtures("endpoint")


def sagemaker() -> Any:
    return boto3.client("sagemaker", region_name="us-east-1")


def calls(emulator: Emulator, operation: str) -> list[dict[str, Any]]:
    return [call.params for call in emulator.calls if call.operation == operation]


def served_images(endpoint_name: str = ENDPOINT) -> dict[str, str]:
    """{production variant: the model image it serves}, as DescribeEndpoint (moto) shows it."""
    variants = sagemaker().describe_endpoint(EndpointName=endpoint_name)["ProductionVariants"]
    return {v["VariantName"]: v["DeployedImages"][0]["SpecifiedImage"] for v in variants if v.get("DeployedImages")}


def in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def running(emulator: Emulator) -> tuple[str, dict[str, Any]]:
    id_, outs = create(InferenceExperimentProvider(), experiment_inputs(tags={"team": "ml"}))
    emulator.calls.clear()
    return id_, outs


def test_create_runs_the_shadow_test(emulator: Emulator) -> None:
    id_, outs = create(InferenceExperimentProvider(), experiment_inputs(description="churn v2 against v1"))
    # Without a schedule SageMaker starts the experiment itself: no StartInferenceExperiment.
    assert sagemaker_mutations(emulator) == ["CreateInferenceExperiment"]
    assert id_.startswith("churn-shadow-test-")
    assert outs["status"] == "Running" and outs["desired_state"] == "Running"
    assert outs["model_variant_statuses"] == {"production": "InService", "candidate": "InService"}
    assert outs["description"] == "churn v2 against v1" and outs["endpoint_name"] == ENDPOINT
    assert outs["arn"].endswith(f":inference-experiment/{id_}")
    assert outs["running_schedule"]["end_time"] > outs["running_schedule"]["start_time"]
    assert outs[NAME_SEED_KEY] == "proj/dev/churn-shadow-test"
    assert "schedule" not in outs, "the schedule is an input, and none was given"
    request = calls(emulator, "CreateInferenceExperiment")[0]
    assert {"Key": OWNER_TAG_KEY, "Value": owner_token("proj/dev/churn-shadow-test")} in request["Tags"]


def test_create_with_a_later_schedule_starts_it_now(emulator: Emulator) -> None:
    schedule = {"start_time": in_days(1), "end_time": in_days(8)}
    _, outs = create(InferenceExperimentProvider(), experiment_inputs(schedule=schedule))
    assert sagemaker_mutations(emulator) == ["CreateInferenceExperiment", "StartInferenceExperiment"]
    assert outs["status"] == "Running" and outs["schedule"] == schedule


def test_update_in_place_while_running(emulator: Emulator, running: tuple[str, dict[str, Any]]) -> None:
    id_, outs = running
    provider = InferenceExperimentProvider()
    shadow = {"source_model_variant_name": "production", "shadow_model_variants": [
        {"shadow_model_variant_name": "candidate", "sampling_percentage": 20}]}
    schedule = {"start_time": in_days(-1), "end_time": in_days(3)}
    news = experiment_inputs(description="sample less", shadow_mode_config=shadow, schedule=schedule,
                             tags={"team": "ml", "stage": "shadow"})
    diff, outs = update(provider, id_, outs, news)
    assert diff.replaces == []
    assert sagemaker_mutations(emulator) == ["AddTags", "UpdateInferenceExperiment"]
    assert calls(emulator, "AddTags")[0]["Tags"] == [{"Key": "stage", "Value": "shadow"}]
    request = calls(emulator, "UpdateInferenceExperiment")[0]
    assert set(request) == {"Name", "Description", "ShadowModeConfig", "Schedule"}
    assert set(request["Schedule"]) == {"EndTime"}, "a running experiment keeps its start; only the end moves"
    assert outs["status"] == "Running" and outs["description"] == "sample less"
    assert outs["shadow_mode_config"]["shadow_model_variants"][0]["sampling_percentage"] == 20
    assert outs["tags"] == {"team": "ml", "stage": "shadow"}
    assert outs["running_schedule"]["end_time"] == schedule["end_time"]


def test_promote_on_stop_serves_the_candidate(emulator: Emulator, running: tuple[str, dict[str, Any]]) -> None:
    id_, outs = running
    assert served_images() == {"production": image_of(PRODUCTION_MODEL)}
    diff, outs = update(InferenceExperimentProvider(), id_, outs,
                        experiment_inputs(tags={"team": "ml"}, desired_state="Completed", model_variant_actions=PROMOTE))
    assert diff.replaces == []
    assert sagemaker_mutations(emulator) == ["StopInferenceExperiment"]
    request = calls(emulator, "StopInferenceExperiment")[0]
    assert request["ModelVariantActions"] == PROMOTE and request["DesiredState"] == "Completed"
    assert outs["status"] == "Completed" and outs["desired_state"] == "Completed"
    assert outs["model_variant_actions"] == PROMOTE, "kept from the inputs: SageMaker does not report them"
    assert served_images() == {"candidate": image_of(CANDIDATE_MODEL)}


def test_a_finished_experiment_is_not_updated_but_replaced_to_run_again(
    emulator: Emulator, running: tuple[str, dict[str, Any]]
) -> None:
    id_, outs = running
    provider = InferenceExperimentProvider()
    stopped = experiment_inputs(tags={"team": "ml"}, desired_state="Cancelled",
                                model_variant_actions={"production": "Retain", "candidate": "Remove"})
    _, outs = update(provider, id_, outs, stopped)
    assert outs["status"] == "Cancelled"
    with pytest.raises(UnexpectedStateError, match=r"only while it is Created or Running \(description changed\)"):
        provider.update(id_, outs, checked(provider, {**stopped, "description": "again"}, outs))
    diff = provider.diff(id_, outs, checked(provider, experiment_inputs(tags={"team": "ml"}), outs))
    assert diff.replaces == ["desired_state"] and diff.delete_before_replace
    provider.delete(id_, outs)
    _, again = create(provider, experiment_inputs(tags={"team": "ml"}))
    assert again["name"] == id_ and again["status"] == "Running"


def test_refresh_shows_a_stop_out_of_band(emulator: Emulator, running: tuple[str, dict[str, Any]]) -> None:
    id_, outs = running
    sagemaker().stop_inference_experiment(Name=id_, ModelVariantActions={"production": "Retain", "candidate": "Remove"},
                                          DesiredState="Cancelled")
    emulator.clock.advance(600)
    provider = InferenceExperimentProvider()
    result = provider.read(id_, outs)
    assert result.outs["status"] == "Cancelled" and result.inputs["desired_state"] == "Cancelled"
    assert result.outs["model_variant_statuses"]["candidate"] == "Deleted"
    diff = provider.diff(id_, result.outs, checked(provider, experiment_inputs(tags={"team": "ml"}), result.outs))
    assert diff.replaces == ["desired_state"], "the program wants it running: only a new experiment can"


def test_refresh_of_a_deleted_experiment_removes_it(running: tuple[str, dict[str, Any]]) -> None:
    id_, outs = running
    provider = InferenceExperimentProvider()
    provider.delete(id_, outs)
    result = provider.read(id_, outs)
    assert result.id is None and result.outs == {}


def test_import_rebuilds_the_inputs(running: tuple[str, dict[str, Any]]) -> None:
    id_, _ = running
    provider = InferenceExperimentProvider()
    inputs, outs = imported(provider, id_, {"name", "type", "role_arn", "endpoint_name", "model_variants",
                                            "shadow_mode_config", "schedule", "tags", "desired_state"})
    program = checked(provider, experiment_inputs(name=id_, tags={"team": "ml"}, schedule=inputs["schedule"]), inputs)
    assert provider.diff(id_, outs, program).changes is False


def owned_request(inputs: dict[str, Any], owner: str | None) -> dict[str, Any]:
    """The CreateInferenceExperiment request the provider makes for `inputs`, tagged with `owner`."""
    args = InferenceExperimentProvider().parse(inputs)
    tags = [{"Key": OWNER_TAG_KEY, "Value": owner}] if owner else [{"Key": "team", "Value": "other"}]
    return {"Name": args.name, "Type": args.type, "RoleArn": args.role_arn, "EndpointName": args.endpoint_name,
            "ModelVariants": [v.request() for v in args.model_variants],
            "ShadowModeConfig": args.shadow_mode_config.request(), "Tags": tags}


def test_an_interrupted_create_is_adopted(emulator: Emulator) -> None:
    provider = InferenceExperimentProvider()
    inputs = checked(provider, experiment_inputs())
    sagemaker().create_inference_experiment(**owned_request(inputs, owner_token(inputs[NAME_SEED_KEY])))
    outs = provider.create(inputs).outs
    assert emulator.count("CreateInferenceExperiment") == 1, "adopted, never created twice"
    assert outs["status"] == "Running"


def test_a_foreign_experiment_with_the_same_name_is_refused(emulator: Emulator) -> None:
    provider = InferenceExperimentProvider()
    inputs = checked(provider, experiment_inputs())
    sagemaker().create_inference_experiment(**owned_request(inputs, owner=None))
    with pytest.raises(OwnershipError, match="already exists and was not created by this stack resource"):
        provider.create(inputs)
    assert emulator.count("CreateInferenceExperiment") == 1


def test_a_failed_start_says_why_and_leaves_nothing(emulator: Emulator) -> None:
    emulator.faults.fail_next("experiment")
    provider = InferenceExperimentProvider()
    inputs = checked(provider, experiment_inputs())
    with pytest.raises(ResourceFailedError, match=r"Failed to deploy shadow variant 'candidate'.*was deleted"):
        provider.create(inputs)
    assert sagemaker_mutations(emulator) == ["CreateInferenceExperiment", "DeleteInferenceExperiment"]
    assert provider.find(inputs["name"]) is None


def test_deadline_names_the_pending_state(emulator: Emulator) -> None:
    emulator.faults.durations["experiment_create"] = 3600
    with pytest.raises(WaitTimeoutError, match="still Creating") as raised:
        create(InferenceExperimentProvider(), experiment_inputs(timeouts={"create": "1m"}))
    assert raised.value.last_state == "Creating"
    assert raised.value.elapsed == pytest.approx(60)


def test_delete_of_a_running_experiment_stops_it_keeping_every_variant(
    emulator: Emulator, running: tuple[str, dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    id_, outs = running
    caplog.set_level("INFO", logger="pulumi_aws_mlops")
    InferenceExperimentProvider().delete(id_, outs)
    assert sagemaker_mutations(emulator) == ["StopInferenceExperiment", "DeleteInferenceExperiment"]
    request = calls(emulator, "StopInferenceExperiment")[0]
    assert request["ModelVariantActions"] == {"production": "Retain", "candidate": "Retain"}
    assert request["DesiredState"] == "Cancelled"
    assert any("production stays on the endpoint as it is (Retain)" in r.getMessage() for r in caplog.records)
    assert served_images()["production"] == image_of(PRODUCTION_MODEL)


def test_delete_follows_the_chosen_variant_actions(emulator: Emulator) -> None:
    provider = InferenceExperimentProvider()
    id_, outs = create(provider, experiment_inputs(model_variant_actions={"candidate": "Remove"}))
    emulator.calls.clear()
    provider.delete(id_, outs)
    request = calls(emulator, "StopInferenceExperiment")[0]
    assert request["ModelVariantActions"] == {"production": "Retain", "candidate": "Remove"}
    provider.delete(id_, outs)  # already gone: nothing to do
    assert sagemaker_mutations(emulator) == ["StopInferenceExperiment", "DeleteInferenceExperiment"]
