"""The emulated SageMaker operations and moto's behind one loopback endpoint, as a separate process would use them."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pulumi_aws_mlops.emulator import Clock, Emulator
from pulumi_aws_mlops.emulator.server import EmulatorServer

from .support import (
    CONTAINER,
    PRODUCTION_MODEL,
    REGION,
    ROLE_ARN,
    SHADOW_MODEL,
    create_endpoint,
    create_model,
    error_code,
    experiment_request,
    image_of,
)

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(Emulator(clock=Clock(time_scale=0))) as server:
        yield server


def client_of(server: EmulatorServer, **options: Any) -> SageMakerClient:
    return boto3.client(
        "sagemaker",
        region_name=REGION,
        endpoint_url=server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        **options,
    )


@pytest.fixture
def remote(server: EmulatorServer) -> SageMakerClient:
    """A client of the server with a clean slate: the emulator's state and moto's both reset."""
    control(server, "reset")
    return client_of(server)


def control(server: EmulatorServer, action: str, document: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        f"{server.endpoint_url}/_emulator/{action}",
        data=json.dumps(document or {}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def advance(server: EmulatorServer, seconds: float) -> None:
    control(server, "clock", {"advance": seconds})


def test_an_experiment_runs_and_promotes_over_http(server: EmulatorServer, remote: SageMakerClient) -> None:
    for model_name in (PRODUCTION_MODEL, SHADOW_MODEL):
        create_model(remote, model_name)  # Answered by moto's server application.
    create_endpoint(remote, "churn")

    remote.create_inference_experiment(**experiment_request())
    advance(server, 120)
    assert remote.describe_inference_experiment(Name="churn-shadow-test")["Status"] == "Running"
    assert remote.describe_endpoint(EndpointName="churn")["ShadowProductionVariants"][0]["VariantName"] == "shadow"

    remote.stop_inference_experiment(
        Name="churn-shadow-test", ModelVariantActions={"production": "Remove", "shadow": "Promote"}
    )
    advance(server, 60)
    assert remote.describe_inference_experiment(Name="churn-shadow-test")["Status"] == "Completed"
    [variant] = remote.describe_endpoint(EndpointName="churn")["ProductionVariants"]
    assert variant["DeployedImages"][0]["SpecifiedImage"] == image_of(SHADOW_MODEL)

    with pytest.raises(ClientError) as exc:
        remote.describe_inference_experiment(Name="missing")
    assert error_code(exc) == "ResourceNotFound"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_a_recommendations_job_completes_over_http(server: EmulatorServer, remote: SageMakerClient) -> None:
    create_model(remote, PRODUCTION_MODEL)
    remote.create_inference_recommendations_job(
        JobName="churn-default", JobType="Default", RoleArn=ROLE_ARN, InputConfig={"ModelName": PRODUCTION_MODEL,
                                                                                 "ContainerConfig": CONTAINER}
    )
    advance(server, 60 + 1800)

    described = remote.describe_inference_recommendations_job(JobName="churn-default")
    assert described["Status"] == "COMPLETED"
    assert len(described["InferenceRecommendations"]) == 3
    steps = remote.list_inference_recommendations_job_steps(JobName="churn-default")["Steps"]
    assert {step["Status"] for step in steps} == {"COMPLETED"}

    calls = json.loads(urllib.request.urlopen(f"{server.endpoint_url}/_emulator/calls", timeout=10).read())
    assert [call["operation"] for call in calls][-2:] == [
        "DescribeInferenceRecommendationsJob", "ListInferenceRecommendationsJobSteps"
    ]


def test_faults_reach_the_emulated_operations_over_http(server: EmulatorServer, remote: SageMakerClient) -> None:
    control(server, "faults", {"throttle_rate": 1.0, "operations": ["ListInferenceExperiments"]})
    try:
        throttled = client_of(server, config=Config(retries={"max_attempts": 1, "mode": "standard"}))
        with pytest.raises(ClientError) as exc:
            throttled.list_inference_experiments()
        assert error_code(exc) == "ThrottlingException"
        assert remote.list_inference_recommendations_jobs()["InferenceRecommendationsJobs"] == []
    finally:
        control(server, "faults", {"throttle_rate": 0.0, "operations": []})
