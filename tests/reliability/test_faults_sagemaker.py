"""Faults for the SageMaker resources, against the in-process emulator in virtual time.

Every test ends by listing the experiments and recommendations jobs in the emulator: exactly the stack's,
nothing orphaned or duplicated. SageMaker cannot delete a recommendations job, so a job a stack made stays
listed after `destroy`; that is the one resource the count expects to outlive its stack.
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_aws_mlops._internal.errors import ResourceFailedError, WaitTimeoutError
from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.sagemaker import InferenceExperimentProvider, InferenceRecommendationsJobProvider
from tests.support.lifecycle import create, update
from tests.support.sagemaker import PROMOTE, experiment_inputs, job_inputs

from .helpers import assert_cloud_holds, aws, killed_then_retried

pytestmark = pytest.mark.usefixtures("endpoint")

STOP: dict[str, Any] = {"desired_state": "Completed", "model_variant_actions": PROMOTE}


def sagemaker_holds(emulator: Emulator, **expected: list[str]) -> None:
    assert_cloud_holds(emulator, "sagemaker", **expected)


@pytest.mark.parametrize(("storm", "at_least"), [({"throttle_rate": 0.5}, 20), ({"server_error_rate": 0.3}, 10)],
                         ids=["50% throttled", "30% HTTP 500"])
def test_experiment_and_job_lifecycles_complete_through_a_storm(
    emulator: Emulator, virtual_retries: Any, storm: dict[str, Any], at_least: int
) -> None:
    emulator.faults.update(storm)
    experiments, jobs = InferenceExperimentProvider(), InferenceRecommendationsJobProvider()
    experiment, outs = create(experiments, experiment_inputs())
    _, outs = update(experiments, experiment, outs, experiment_inputs(description="v2 in shadow"))
    _, outs = update(experiments, experiment, outs, experiment_inputs(description="v2 in shadow", **STOP))
    assert (outs["status"], outs["description"]) == ("Completed", "v2 in shadow")
    job, job_outs = create(jobs, job_inputs())
    assert job_outs["status"] == "COMPLETED" and job_outs["recommendations"]

    faulted = sum(1 for call in emulator.calls if call.error in ("ThrottlingException", "InternalServerException"))
    assert faulted >= at_least and virtual_retries.slept, f"the storm hit only {faulted} calls"
    for operation in ("CreateInferenceExperiment", "UpdateInferenceExperiment", "StopInferenceExperiment",
                      "CreateInferenceRecommendationsJob"):
        assert emulator.count(operation, succeeded=True) == 1, operation
    sagemaker_holds(emulator, experiments=[experiment], recommendations_jobs=[job])

    emulator.faults.update(storm)
    experiments.delete(experiment, outs)
    jobs.delete(job, job_outs)
    sagemaker_holds(emulator, recommendations_jobs=[job])


def test_failed_experiment_and_job_explain_and_the_next_up_succeeds(emulator: Emulator) -> None:
    emulator.faults.fail_next("experiment")
    experiments, jobs = InferenceExperimentProvider(), InferenceRecommendationsJobProvider()
    with pytest.raises(ResourceFailedError, match="The failed experiment was deleted; fix the cause"):
        create(experiments, experiment_inputs())
    sagemaker_holds(emulator)
    experiment, outs = create(experiments, experiment_inputs())
    assert outs["status"] == "Running"

    emulator.faults.fail_next("recommendations")
    with pytest.raises(ResourceFailedError, match="cannot rerun it: change an input") as raised:
        create(jobs, job_inputs())
    failed = raised.value.args[0].split("'")[1]
    job, job_outs = create(jobs, job_inputs(job_description="after the fix"))
    assert job != failed and job_outs["status"] == "COMPLETED", "a changed input is a new job with a new name"
    sagemaker_holds(emulator, experiments=[experiment], recommendations_jobs=[failed, job])


def test_killed_while_an_experiment_is_created_updated_or_stopped_the_next_up_finishes_without_repeating(
    emulator: Emulator,
) -> None:
    provider = InferenceExperimentProvider()
    experiment, outs = killed_then_retried(emulator, lambda: create(provider, experiment_inputs()))
    assert outs["status"] == "Running" and emulator.count("CreateInferenceExperiment", succeeded=True) == 1

    changed = experiment_inputs(description="sample less")
    _, outs = killed_then_retried(emulator, lambda: update(provider, experiment, outs, changed),
                                  at_sleep=lambda: emulator.count("UpdateInferenceExperiment") > 0)
    assert outs["description"] == "sample less" and emulator.count("UpdateInferenceExperiment", succeeded=True) == 1

    stop = experiment_inputs(description="sample less", **STOP)
    _, outs = killed_then_retried(emulator, lambda: update(provider, experiment, outs, stop))
    assert outs["status"] == "Completed" and emulator.count("StopInferenceExperiment", succeeded=True) == 1
    sagemaker_holds(emulator, experiments=[experiment])


def test_killed_while_a_destroy_stops_the_experiment_the_next_destroy_finishes(emulator: Emulator) -> None:
    provider = InferenceExperimentProvider()
    experiment, outs = create(provider, experiment_inputs())
    killed_then_retried(emulator, lambda: provider.delete(experiment, outs))
    assert emulator.count("StopInferenceExperiment", succeeded=True) == 1
    assert emulator.count("DeleteInferenceExperiment", succeeded=True) == 1
    sagemaker_holds(emulator)


def test_killed_while_a_job_runs_the_next_up_adopts_it(emulator: Emulator) -> None:
    job, outs = killed_then_retried(emulator, lambda: create(InferenceRecommendationsJobProvider(), job_inputs()))
    assert outs["status"] == "COMPLETED" and emulator.count("CreateInferenceRecommendationsJob", succeeded=True) == 1
    sagemaker_holds(emulator, recommendations_jobs=[job])


def test_experiment_deadlines_name_the_timeout_to_raise_and_block_no_retry(emulator: Emulator) -> None:
    provider = InferenceExperimentProvider()
    short = experiment_inputs(timeouts={"create": "2m", "update": "1m", "delete": "1m"})
    emulator.faults.update({"durations": {"experiment_start": 3600}})
    with pytest.raises(WaitTimeoutError) as raised:
        create(provider, short)
    # Creation used part of the 2m; the start timed out in what was left, and the hint doubles the whole 2m.
    assert "waiting for start; still Starting" in str(raised.value) and raised.value.elapsed < 120
    assert "timeouts={'create': '4m00s'}" in str(raised.value)
    emulator.clock.advance(3600)
    experiment, outs = create(provider, short)

    emulator.faults.update({"durations": {"experiment_update": 3600}})
    changed = {**short, "description": "slower"}
    with pytest.raises(WaitTimeoutError) as raised:
        update(provider, experiment, outs, changed)
    assert "still Updating" in str(raised.value) and "timeouts={'update': '2m00s'}" in str(raised.value)
    emulator.clock.advance(3600)
    _, outs = update(provider, experiment, outs, changed)
    assert outs["description"] == "slower"

    emulator.faults.update({"durations": {"experiment_stop": 3600}})
    with pytest.raises(WaitTimeoutError) as raised:
        provider.delete(experiment, outs)
    assert "still Stopping" in str(raised.value) and "timeouts={'delete': '2m00s'}" in str(raised.value)
    emulator.clock.advance(3600)
    provider.delete(experiment, outs)
    assert [emulator.count(op, succeeded=True) for op in ("CreateInferenceExperiment", "UpdateInferenceExperiment",
                                               "StopInferenceExperiment")] == [1, 1, 1]
    sagemaker_holds(emulator)


def test_an_experiment_changed_or_deleted_out_of_band_is_repaired(emulator: Emulator) -> None:
    provider = InferenceExperimentProvider()
    experiment, outs = create(provider, experiment_inputs(description="ours"))
    client = aws("sagemaker")
    client.update_inference_experiment(Name=experiment, Description="someone else's")
    emulator.clock.advance(600)
    refreshed = provider.read(experiment, outs)
    assert refreshed.outs is not None and refreshed.outs["description"] == "someone else's"
    _, outs = update(provider, experiment, dict(refreshed.outs), experiment_inputs(description="ours"))
    assert client.describe_inference_experiment(Name=experiment)["Description"] == "ours"

    client.stop_inference_experiment(Name=experiment, ModelVariantActions={"production": "Retain",
                                                                           "candidate": "Retain"})
    emulator.clock.advance(600)
    client.delete_inference_experiment(Name=experiment)
    emulator.clock.advance(600)
    assert provider.read(experiment, outs).id is None
    again, outs = create(provider, experiment_inputs(description="ours"))
    assert again == experiment and outs["status"] == "Running"
    sagemaker_holds(emulator, experiments=[experiment])


def test_job_tags_changed_out_of_band_are_restored(emulator: Emulator) -> None:
    provider = InferenceRecommendationsJobProvider()
    job, outs = create(provider, job_inputs(tags={"team": "ml"}))
    aws("sagemaker").add_tags(ResourceArn=outs["arn"], Tags=[{"Key": "team", "Value": "finance"}])
    refreshed = provider.read(job, outs)
    assert refreshed.outs is not None and refreshed.outs["tags"] == {"team": "finance"}
    diff, outs = update(provider, job, dict(refreshed.outs), job_inputs(tags={"team": "ml"}))
    assert diff.replaces == [] and outs["tags"] == {"team": "ml"}
    assert emulator.count("CreateInferenceRecommendationsJob", succeeded=True) == 1
    sagemaker_holds(emulator, recommendations_jobs=[job])
