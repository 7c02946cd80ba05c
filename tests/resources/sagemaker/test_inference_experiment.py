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
    variant,
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


def served_models(endpoint_name: str = ENDPOINT) -> dict[str, list[str]]:
    """{"production": [model, ...], "shadow": [model, ...]} of the endpoint's configuration now (moto's answers)."""
    config_name = sagemaker().describe_endpoint(EndpointName=endpoint_name)["EndpointConfigName"]
    config = sagemaker().describe_endpoint_config(EndpointConfigName=config_name)
    return {"production": [v["ModelName"] for v in config["ProductionVariants"]],
            "shadow": [v["ModelName"] for v in config.get("ShadowProductionVariants", [])]}


BEFORE_THE_TEST = {"production": [PRODUCTION_MODEL], "shadow": []}


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
    assert NAME_SEED_KEY not in outs, "the program sets the name seed on every run: the outputs do not keep it"
    assert "schedule" not in outs, "the schedule is an input, and none was given"
    request = calls(emulator, "CreateInferenceExperiment")[0]
    assert {"Key": OWNER_TAG_KEY, "Value": owner_token("proj/dev/churn-shadow-test")} in request["Tags"]


def test_a_scheduled_experiment_waits_for_its_start_time_and_sagemaker_starts_it(emulator: Emulator) -> None:
    provider = InferenceExperimentProvider()
    schedule = {"start_time": in_days(1), "end_time": in_days(8)}
    id_, outs = create(provider, experiment_inputs(schedule=schedule))
    # SageMaker starts a Created experiment at its start time on its own: the create neither starts it nor waits.
    assert sagemaker_mutations(emulator) == ["CreateInferenceExperiment"]
    assert outs["status"] == "Created" and outs["desired_state"] == "Running"
    assert outs["running_schedule"] == schedule
    assert served_models() == BEFORE_THE_TEST, "nothing deployed (or billed) yet"

    emulator.clock.advance(timedelta(days=1, minutes=5).total_seconds())
    refreshed = provider.read(id_, outs)
    assert refreshed.outs["status"] == "Running" and refreshed.outs["running_schedule"]["end_time"] == schedule["end_time"]
    assert "StartInferenceExperiment" not in emulator.operations()
    assert served_models() == {"production": [PRODUCTION_MODEL], "shadow": [CANDIDATE_MODEL]}
    program = checked(provider, experiment_inputs(schedule=schedule), refreshed.inputs)
    assert provider.diff(id_, refreshed.outs, program).changes is False, "running as scheduled is what the program says"


def test_removing_the_start_time_of_a_scheduled_experiment_starts_it_early(emulator: Emulator) -> None:
    provider = InferenceExperimentProvider()
    end = in_days(5)
    id_, outs = create(provider, experiment_inputs(schedule={"start_time": in_days(2), "end_time": end}))
    emulator.calls.clear()
    diff, outs = update(provider, id_, outs, experiment_inputs(schedule={"end_time": end}))
    assert diff.replaces == []
    assert sagemaker_mutations(emulator) == ["StartInferenceExperiment"], "the end is unchanged: no update call"
    assert outs["status"] == "Running" and outs["running_schedule"]["end_time"] == end


def test_a_created_experiment_changes_its_variants_and_data_capture_in_place(emulator: Emulator) -> None:
    provider = InferenceExperimentProvider()
    schedule = {"start_time": in_days(1), "end_time": in_days(3)}
    id_, outs = create(provider, experiment_inputs(schedule=schedule))
    emulator.calls.clear()
    bigger = [variant("production", PRODUCTION_MODEL), variant("candidate", CANDIDATE_MODEL, instance_count=2)]
    news = experiment_inputs(schedule=schedule, model_variants=bigger,
                             data_storage_config={"destination": "s3://captures/churn"})
    diff, outs = update(provider, id_, outs, news)
    assert diff.replaces == []
    assert sagemaker_mutations(emulator) == ["UpdateInferenceExperiment"]
    assert set(calls(emulator, "UpdateInferenceExperiment")[0]) == {"Name", "ModelVariants", "DataStorageConfig"}
    assert outs["status"] == "Created"
    assert outs["model_variants"][1]["infrastructure_config"]["real_time_inference_config"]["instance_count"] == 2
    assert outs["data_storage_config"] == {"destination": "s3://captures/churn"}


@pytest.mark.parametrize(
    ("change", "replaced"),
    [
        ({"model_variants": [variant("production", PRODUCTION_MODEL), variant("candidate", CANDIDATE_MODEL, 2)]},
         "model_variants"),
        ({"data_storage_config": {"destination": "s3://captures/churn"}}, "data_storage_config"),
        ({"shadow_mode_config": {"source_model_variant_name": "candidate", "shadow_model_variants": [
            {"shadow_model_variant_name": "production", "sampling_percentage": 50}]}}, "shadow_mode_config"),
    ],
)
def test_what_a_running_experiment_cannot_change_replaces_it(
    emulator: Emulator, running: tuple[str, dict[str, Any]], change: dict[str, Any], replaced: str
) -> None:
    id_, outs = running
    provider = InferenceExperimentProvider()
    news = checked(provider, experiment_inputs(tags={"team": "ml"}, **change), outs)
    diff = provider.diff(id_, outs, news)
    assert diff.changes is True and diff.replaces == [replaced] and diff.delete_before_replace
    # The engine then deletes the running experiment and creates the new one: no update SageMaker would refuse.
    provider.delete(id_, outs)
    again = provider.create(news).outs
    assert sagemaker_mutations(emulator) == ["StopInferenceExperiment", "DeleteInferenceExperiment",
                                             "CreateInferenceExperiment"]
    assert again["name"] == id_ and again["status"] == "Running"
    assert again[replaced] == news[replaced]


def test_an_update_that_the_start_made_impossible_says_so_and_calls_nothing(emulator: Emulator) -> None:
    provider = InferenceExperimentProvider()
    schedule = {"start_time": in_days(1), "end_time": in_days(3)}
    id_, outs = create(provider, experiment_inputs(schedule=schedule))
    emulator.clock.advance(timedelta(days=1, minutes=5).total_seconds())  # It started; the state still says Created.
    emulator.calls.clear()
    news = checked(provider, experiment_inputs(schedule=schedule, model_variants=[
        variant("production", PRODUCTION_MODEL), variant("candidate", CANDIDATE_MODEL, instance_count=2)]), outs)
    assert provider.diff(id_, outs, news).replaces == [], "the state says it has not started"
    with pytest.raises(UnexpectedStateError, match=r"has started.*model_variants.*pulumi refresh"):
        provider.update(id_, outs, news)
    assert sagemaker_mutations(emulator) == []
    refreshed = provider.read(id_, outs)
    assert provider.diff(id_, refreshed.outs, news).replaces == ["model_variants"], "after a refresh: a replacement"


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
    assert emulator.count("CreateInferenceExperiment", succeeded=True) == 1, "adopted, never created twice"
    assert outs["status"] == "Running"


def test_a_foreign_experiment_with_the_same_name_is_refused(emulator: Emulator) -> None:
    provider = InferenceExperimentProvider()
    inputs = checked(provider, experiment_inputs())
    sagemaker().create_inference_experiment(**owned_request(inputs, owner=None))
    with pytest.raises(OwnershipError, match="already exists and was not created by this stack resource"):
        provider.create(inputs)
    assert emulator.count("CreateInferenceExperiment", succeeded=True) == 1


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


# -- the end of a test ------------------------------------------------------------------------------
def ended_on_its_own(emulator: Emulator) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A test scheduled to end in a day, a day and more later: SageMaker completed it and reverted the endpoint.
    Returns its id, the outputs the state still has (Running), and its schedule."""
    schedule = {"end_time": in_days(1)}
    id_, outs = create(InferenceExperimentProvider(), experiment_inputs(schedule=schedule))
    assert served_models() == {"production": [PRODUCTION_MODEL], "shadow": [CANDIDATE_MODEL]}
    emulator.clock.advance(timedelta(days=2).total_seconds())
    assert served_models() == BEFORE_THE_TEST
    described = sagemaker().describe_inference_experiment(Name=id_)
    assert described["Status"] == "Completed" and "StatusReason" not in described
    emulator.calls.clear()
    return id_, outs, schedule


def test_promoting_a_test_that_ended_on_its_own_says_what_happened_and_what_to_do(emulator: Emulator) -> None:
    provider = InferenceExperimentProvider()
    id_, outs, schedule = ended_on_its_own(emulator)
    promote = experiment_inputs(schedule=schedule, desired_state="Completed", model_variant_actions=PROMOTE)
    with pytest.raises(UnexpectedStateError, match=r"ended on its own.*candidate.*not on the endpoint.*desired_state="
                                                   r"'Running'") as raised:
        provider.update(id_, outs, checked(provider, promote, outs))
    assert "deploy" in str(raised.value), "the error says how to promote the candidate now"
    assert sagemaker_mutations(emulator) == []
    assert served_models() == BEFORE_THE_TEST, "the endpoint still serves production alone"

    refreshed = provider.read(id_, outs)
    assert refreshed.outs["status"] == "Completed"
    with pytest.raises(UnexpectedStateError, match="ended on its own"):  # once refreshed, the preview says it
        provider.diff(id_, refreshed.outs, checked(provider, promote, refreshed.inputs))


def test_rejecting_a_test_that_ended_on_its_own_is_what_sagemaker_did_already(emulator: Emulator) -> None:
    provider = InferenceExperimentProvider()
    id_, outs, schedule = ended_on_its_own(emulator)
    reject = experiment_inputs(schedule=schedule, desired_state="Cancelled",
                               model_variant_actions={"production": "Retain", "candidate": "Remove"})
    _, outs = update(provider, id_, outs, reject)
    assert sagemaker_mutations(emulator) == []
    assert outs["status"] == "Completed" and served_models() == BEFORE_THE_TEST


# -- eventual consistency ----------------------------------------------------------------------------
def test_an_experiment_that_is_not_seen_at_once_is_waited_for_with_its_tags(emulator: Emulator) -> None:
    emulator.faults.update({"eventual_consistency": 20, "late_tags": 40})
    provider = InferenceExperimentProvider()
    id_, outs = create(provider, experiment_inputs(tags={"team": "ml"}))
    assert outs["status"] == "Running" and outs["tags"] == {"team": "ml"}
    created_at = emulator.operations().index("CreateInferenceExperiment")
    after = emulator.calls[created_at + 1:]
    assert any(c.operation == "DescribeInferenceExperiment" and c.error == "ResourceNotFound" for c in after)
    assert emulator.count("CreateInferenceExperiment") == 1
    program = checked(provider, experiment_inputs(tags={"team": "ml"}), outs)
    assert provider.diff(id_, outs, program).changes is False, "no tags to add again on the next up"
