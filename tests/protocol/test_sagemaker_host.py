"""The SageMaker resources through the real dynamic-provider host, against the emulator server.

The endpoint and models are moto's (made through boto3 against the same server, as pulumi_aws would make
them in a real account); the inference experiment and the recommendations job are the emulator's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from pulumi_aws_mlops._internal.naming import OWNER_TAG_KEY, owner_token
from pulumi_aws_mlops.emulator.server import EmulatorServer
from pulumi_aws_mlops.sagemaker import InferenceExperimentProvider, InferenceRecommendationsJobProvider
from tests.protocol.provider_host import LogRecord, ProviderHost
from tests.servers import sagemaker_emulator
from tests.support.sagemaker import (
    CANDIDATE_MODEL,
    CONTAINER,
    ENDPOINT,
    PRODUCTION_MODEL,
    PROMOTE,
    ROLE,
    deploy_production_endpoint,
    experiment_inputs,
    job_inputs,
)

from .engine import Resource, logged, start_host


@pytest.fixture
def emulator_server(aws_env: None) -> Iterator[EmulatorServer]:
    """The emulator server with a production endpoint and a candidate model in moto's SageMaker."""
    with sagemaker_emulator(deploy_production_endpoint) as server:
        yield server


def args(inputs: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in inputs.items() if key != "__name_seed"}


def test_shadow_test_then_promotion(provider_host: ProviderHost, emulator_server: EmulatorServer) -> None:
    experiment = Resource(provider_host, "sagemaker:InferenceExperiment", "churn-shadow-test",
                          InferenceExperimentProvider())
    _, failures = experiment.check(**args(experiment_inputs(desired_state="Completed")))
    assert failures and "model_variant_actions" in failures[0][1], "stopping needs an action for every variant"
    assert emulator_server.emulator.calls == []

    outputs = experiment.create(**args(experiment_inputs()))
    assert outputs["status"] == "Running" and experiment.id.startswith("churn-shadow-test-")

    experiment.refresh()
    assert experiment.outputs["status"] == "Running"
    _, diff = experiment.diff(**args(experiment_inputs()))
    assert diff.changes == diff.DIFF_NONE, "a refresh of an unchanged experiment shows no diff"

    diff = experiment.update(**args(experiment_inputs(desired_state="Completed", model_variant_actions=PROMOTE)))
    assert diff.changes == diff.DIFF_SOME and list(diff.replaces) == []
    assert experiment.outputs["status"] == "Completed"
    sagemaker = boto3.client("sagemaker", endpoint_url=emulator_server.endpoint_url, region_name="us-east-1")
    config = sagemaker.describe_endpoint_config(
        EndpointConfigName=sagemaker.describe_endpoint(EndpointName=ENDPOINT)["EndpointConfigName"])
    assert [v["ModelName"] for v in config["ProductionVariants"]] == [CANDIDATE_MODEL], "the candidate was promoted"

    experiment.delete()
    experiment.refresh()
    assert experiment.id == ""


def test_load_test_recommends_instances(
    provider_host: ProviderHost, emulator_server: EmulatorServer, host_logs: list[LogRecord]
) -> None:
    job = Resource(provider_host, "sagemaker:InferenceRecommendationsJob", "churn-sizing",
                   InferenceRecommendationsJobProvider())
    outputs = job.create(**args(job_inputs()))
    assert outputs["status"] == "COMPLETED"
    assert outputs["recommendations"] and outputs["best_configuration"]["instance_type"]
    assert outputs["best_configuration"]["cost_per_inference"] == min(
        r["cost_per_inference"] for r in outputs["recommendations"])

    _, diff = job.diff(**args(job_inputs(input_config={"model_name": PRODUCTION_MODEL, "container_config": CONTAINER,
                                                       "job_duration_in_seconds": 1800})))
    assert "input_config" in diff.replaces, "a job cannot change: a new input runs a new job"

    job.delete()
    assert logged(host_logs, "SageMaker cannot delete recommendations jobs, so it stays listed")
    calls = [c.operation for c in emulator_server.emulator.calls]
    assert calls.count("CreateInferenceRecommendationsJob") == 1
    assert "StopInferenceRecommendationsJob" not in calls, "a finished job is forgotten, not stopped"


def test_a_new_host_resumes_a_running_load_test(
    emulator_server: EmulatorServer, tmp_path: Any, host_logs: list[LogRecord]
) -> None:
    """A job started by a host that died is adopted by the next one: never a second job."""
    sagemaker = boto3.client("sagemaker", endpoint_url=emulator_server.endpoint_url, region_name="us-east-1")
    host = start_host(emulator_server, tmp_path, host_logs)
    try:
        job = Resource(host, "sagemaker:InferenceRecommendationsJob", "churn-sizing",
                       InferenceRecommendationsJobProvider())
        checked, failures = job.check(**args(job_inputs()))
        assert failures == []
        # What the first host sent before it died: the job, tagged as this stack resource's.
        request = InferenceRecommendationsJobProvider().parse(checked).input_config.request()
        sagemaker.create_inference_recommendations_job(
            JobName=checked["job_name"], JobType="Default", RoleArn=ROLE, InputConfig=request,
            Tags=[{"Key": OWNER_TAG_KEY, "Value": owner_token(job.seed)}])
        outputs = job.create(**args(job_inputs()))
    finally:
        host.stop()
    assert outputs["status"] == "COMPLETED"
    created = [c for c in emulator_server.emulator.calls
               if c.operation == "CreateInferenceRecommendationsJob" and c.error is None]
    assert len(created) == 1, "the new host's Create is refused (the name is in use) and the job found is adopted"
