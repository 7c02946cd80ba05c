"""InferenceRecommendationsJob against the in-process emulator: results as outputs, stop or forget, adoption."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from pulumi_aws_mlops._internal import waiting
from pulumi_aws_mlops._internal.errors import MlopsError, OwnershipError, ResourceFailedError, WaitTimeoutError
from pulumi_aws_mlops._internal.naming import NAME_SEED_KEY, OWNER_TAG_KEY, owner_token
from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.sagemaker import InferenceRecommendationsJobProvider
from tests.support.lifecycle import checked, create, update
from tests.support.sagemaker import (
    CONTAINER,
    PRODUCTION_MODEL,
    ROLE,
    image_of,
    imported,
    job_inputs,
    load_test_inputs,
    sagemaker_mutations,
)

pytestmark = pytest.mark.usefixtures("endpoint")


def sagemaker() -> Any:
    return boto3.client("sagemaker", region_name="us-east-1")


@pytest.fixture
def completed(emulator: Emulator) -> tuple[str, dict[str, Any]]:
    id_, outs = create(InferenceRecommendationsJobProvider(), load_test_inputs(tags={"team": "ml"}))
    emulator.calls.clear()
    return id_, outs


def test_a_default_job_runs_to_completion_with_its_results_as_outputs(emulator: Emulator) -> None:
    id_, outs = create(InferenceRecommendationsJobProvider(), job_inputs())
    assert sagemaker_mutations(emulator) == ["CreateInferenceRecommendationsJob"]
    assert emulator.count("ListInferenceRecommendationsJobSteps") >= 1, "progress comes from the job's steps"
    assert id_.startswith("churn-sizing-") and outs["status"] == "COMPLETED"
    assert outs["completion_time"] and outs["arn"].endswith(f":inference-recommendations-job/{id_}")
    recommendations = outs["recommendations"]
    assert recommendations, "a Default job recommends instance types"
    assert {"instance_type", "cost_per_hour", "cost_per_inference", "max_invocations", "model_latency_microseconds",
            "recommendation_id"} <= set(recommendations[0])
    cheapest = min(recommendations, key=lambda item: item["cost_per_inference"])
    assert outs["best_configuration"] == cheapest, "no stopping conditions: the cheapest per inference wins"


def test_a_load_test_picks_the_cheapest_configuration_that_meets_its_conditions(
    completed: tuple[str, dict[str, Any]]
) -> None:
    _, outs = completed
    tested = {item["instance_type"] for item in outs["recommendations"]}
    assert tested == {"ml.c5.xlarge", "ml.m5.large", "ml.g4dn.xlarge"}
    # The threshold is 100 ms; SageMaker reports ModelLatency in microseconds, and the load stopped at the threshold.
    latencies = [item["model_latency_microseconds"] for item in outs["recommendations"]]
    assert all(1_000 <= latency <= 100_000 for latency in latencies), latencies
    meeting = [item for item in outs["recommendations"] if item["model_latency_microseconds"] <= 100 * 1000
               and item["max_invocations"] * item["initial_instance_count"] >= 300]
    best = outs["best_configuration"]
    assert best in meeting
    assert best["cost_per_inference"] == min(item["cost_per_inference"] for item in meeting)


def test_a_failed_job_says_why_and_how_to_run_again(emulator: Emulator) -> None:
    emulator.faults.fail_next("recommendations")
    with pytest.raises(ResourceFailedError, match=r"benchmarks failed \(FAILED\): Benchmark on .* health check") as raised:
        create(InferenceRecommendationsJobProvider(), job_inputs())
    assert "change an input (or job_name) to run a new job" in str(raised.value)


def test_deadline_names_the_pending_state(emulator: Emulator) -> None:
    emulator.faults.durations["recommendations_start"] = 600
    with pytest.raises(WaitTimeoutError, match="still PENDING") as raised:
        create(InferenceRecommendationsJobProvider(), job_inputs(timeouts={"create": "1m"}))
    assert raised.value.last_state == "PENDING"


def test_delete_stops_a_running_job(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    provider = InferenceRecommendationsJobProvider()
    inputs = checked(provider, job_inputs(timeouts={"create": "5m"}))
    with pytest.raises(WaitTimeoutError, match="still IN_PROGRESS"):
        provider.create(inputs)
    emulator.calls.clear()
    caplog.set_level("INFO", logger="pulumi_aws_mlops")
    provider.delete(inputs["job_name"], inputs)
    assert sagemaker_mutations(emulator) == ["StopInferenceRecommendationsJob"]
    assert provider.find(inputs["job_name"])["Status"] == "STOPPED"
    assert any("is STOPPED; SageMaker cannot delete recommendations jobs" in r.getMessage() for r in caplog.records)


def test_delete_forgets_a_finished_job(
    emulator: Emulator, completed: tuple[str, dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    id_, outs = completed
    caplog.set_level("INFO", logger="pulumi_aws_mlops")
    InferenceRecommendationsJobProvider().delete(id_, outs)
    assert sagemaker_mutations(emulator) == []
    assert any("is COMPLETED; SageMaker cannot delete recommendations jobs, so it stays listed" in r.getMessage()
               for r in caplog.records)


def test_tags_change_in_place(emulator: Emulator, completed: tuple[str, dict[str, Any]]) -> None:
    id_, outs = completed
    diff, outs = update(InferenceRecommendationsJobProvider(), id_, outs, load_test_inputs(tags={"team": "platform"}))
    assert diff.replaces == [] and outs["tags"] == {"team": "platform"}
    assert sagemaker_mutations(emulator) == ["AddTags"]
    assert outs["status"] == "COMPLETED" and outs["recommendations"]


def test_refresh_reads_the_real_state(completed: tuple[str, dict[str, Any]]) -> None:
    id_, outs = completed
    provider = InferenceRecommendationsJobProvider()
    result = provider.read(id_, outs)
    assert result.id == id_ and result.outs == outs
    missing = provider.read("churn-sizing-gone", {**outs, "job_name": "churn-sizing-gone"})
    assert missing.id is None and missing.outs == {}


def test_import_rebuilds_the_inputs(emulator: Emulator) -> None:
    provider = InferenceRecommendationsJobProvider()
    id_, outs = create(provider, job_inputs(tags={"team": "ml"}))
    inputs, imported_outs = imported(provider, id_, {"job_name", "job_type", "role_arn", "input_config", "tags"})
    program = checked(provider, job_inputs(job_name=id_, tags={"team": "ml"}), inputs)
    assert provider.diff(id_, imported_outs, program).changes is False
    assert imported_outs["best_configuration"] == outs["best_configuration"]


def test_a_default_job_is_not_run_again_for_the_defaults_describe_fills_in(emulator: Emulator) -> None:
    provider = InferenceRecommendationsJobProvider()
    program = job_inputs(input_config={"model_name": PRODUCTION_MODEL, "container_config": CONTAINER})
    id_, outs = create(provider, program)
    described = sagemaker().describe_inference_recommendations_job(JobName=id_)
    assert described["InputConfig"]["JobDurationInSeconds"] == 0, "what SageMaker reports for a Default job"
    assert "job_duration_in_seconds" not in outs["input_config"], "the state keeps what was asked"
    assert provider.diff(id_, outs, checked(provider, program, outs)).changes is False
    refreshed = provider.read(id_, outs)
    assert provider.diff(id_, refreshed.outs, checked(provider, program, refreshed.inputs)).changes is False
    imported_result = provider.read(id_, {})
    assert provider.diff(id_, imported_result.outs, checked(provider, {**program, "job_name": id_},
                                                            imported_result.inputs)).changes is False
    assert emulator.count("CreateInferenceRecommendationsJob") == 1


def test_a_load_test_is_not_run_again_for_what_describe_leaves_out(
    emulator: Emulator, completed: tuple[str, dict[str, Any]]
) -> None:
    id_, outs = completed
    provider = InferenceRecommendationsJobProvider()
    described = sagemaker().describe_inference_recommendations_job(JobName=id_)
    assert described["InputConfig"]["TrafficPattern"] == {"TrafficType": "PHASES"}, "the phases are not reported"
    program = load_test_inputs(tags={"team": "ml"})
    refreshed = provider.read(id_, outs)
    assert provider.diff(id_, refreshed.outs, checked(provider, program, refreshed.inputs)).changes is False
    # Imported, the job has only what Describe reports: the phases in the program are not a change either...
    imported_result = provider.read(id_, {})
    assert imported_result.inputs["input_config"]["traffic_pattern"] == {"traffic_type": "PHASES"}
    named = {**program, "job_name": id_}
    assert provider.diff(id_, imported_result.outs, checked(provider, named, imported_result.inputs)).changes is False
    # ...but another traffic type, or other instance types, are a new job.
    stairs = {"traffic_type": "STAIRS", "stairs": {"duration_in_seconds": 300, "number_of_steps": 3,
                                                   "users_per_step": 1}}
    for change in ({"traffic_pattern": stairs}, {"endpoint_configurations": [{"instance_type": "ml.c5.large"}]}):
        other = {**named, "input_config": {**program["input_config"], **change}}
        assert provider.diff(id_, imported_result.outs, checked(provider, other, imported_result.inputs)).replaces


def test_a_job_that_is_not_seen_at_once_is_waited_for_with_its_tags(emulator: Emulator) -> None:
    emulator.faults.update({"eventual_consistency": 20, "late_tags": 40})
    provider = InferenceRecommendationsJobProvider()
    id_, outs = create(provider, job_inputs(tags={"team": "ml"}))
    assert outs["status"] == "COMPLETED" and outs["tags"] == {"team": "ml"}
    created_at = emulator.operations().index("CreateInferenceRecommendationsJob")
    assert any(c.operation == "DescribeInferenceRecommendationsJob" and c.error == "ResourceNotFound"
               for c in emulator.calls[created_at + 1:])
    assert provider.diff(id_, outs, checked(provider, job_inputs(tags={"team": "ml"}), outs)).changes is False


def test_a_model_created_just_before_the_job_is_waited_for(emulator: Emulator) -> None:
    """The model appears a few seconds after the first CreateInferenceRecommendationsJob, which cannot find it."""
    provider = InferenceRecommendationsJobProvider()
    program = job_inputs(input_config={"model_name": "churn-v3", "container_config": CONTAINER})

    def sleep(seconds: float) -> None:
        emulator.clock.advance(seconds)
        if emulator.count("CreateInferenceRecommendationsJob") and "churn-v3" not in models():
            sagemaker().create_model(ModelName="churn-v3", ExecutionRoleArn=ROLE,
                                     PrimaryContainer={"Image": image_of("churn-v3")})

    def models() -> list[str]:
        return [model["ModelName"] for model in sagemaker().list_models()["Models"]]

    with waiting.time_source(emulator.clock.elapsed, sleep):
        _, outs = create(provider, program)
    attempts = [c.error for c in emulator.calls if c.operation == "CreateInferenceRecommendationsJob"]
    assert attempts[0] == "ValidationException" and attempts[-1] is None and len(attempts) == 2
    assert outs["status"] == "COMPLETED"


def test_a_model_that_never_appears_fails_the_create_with_sagemakers_reason(emulator: Emulator) -> None:
    program = job_inputs(input_config={"model_name": "churn-v9", "container_config": CONTAINER})
    with pytest.raises(MlopsError, match=r"Could not find model .*churn-v9.*still after 2m00s"):
        create(InferenceRecommendationsJobProvider(), program)
    assert emulator.count("CreateInferenceRecommendationsJob") > 1


def create_through_boto3(inputs: dict[str, Any], tags: list[dict[str, str]]) -> None:
    args = InferenceRecommendationsJobProvider().parse(inputs)
    sagemaker().create_inference_recommendations_job(
        JobName=args.job_name, JobType=args.job_type, RoleArn=args.role_arn,
        InputConfig=args.input_config.request(), Tags=tags,
    )


def test_an_interrupted_create_is_adopted_and_its_wait_resumed(emulator: Emulator) -> None:
    provider = InferenceRecommendationsJobProvider()
    inputs = checked(provider, job_inputs())
    create_through_boto3(inputs, [{"Key": OWNER_TAG_KEY, "Value": owner_token(inputs[NAME_SEED_KEY])}])
    outs = provider.create(inputs).outs
    assert emulator.count("CreateInferenceRecommendationsJob", succeeded=True) == 1, "adopted, never started twice"
    assert outs["status"] == "COMPLETED" and outs["recommendations"]


def test_a_foreign_job_with_the_same_name_is_refused(emulator: Emulator) -> None:
    provider = InferenceRecommendationsJobProvider()
    inputs = checked(provider, job_inputs())
    create_through_boto3(inputs, [{"Key": OWNER_TAG_KEY, "Value": "someone-else"}])
    with pytest.raises(OwnershipError, match="already exists and belongs to another stack resource"):
        provider.create(inputs)
    assert emulator.count("CreateInferenceRecommendationsJob", succeeded=True) == 1


def test_a_named_job_cannot_take_new_inputs(emulator: Emulator) -> None:
    provider = InferenceRecommendationsJobProvider()
    create(provider, job_inputs(job_name="churn-sizing"))
    with pytest.raises(MlopsError, match=r"already exists with other job_description.*leave job_name unset"):
        create(provider, job_inputs(job_name="churn-sizing", job_description="second try"))
    assert emulator.count("CreateInferenceRecommendationsJob", succeeded=True) == 1
