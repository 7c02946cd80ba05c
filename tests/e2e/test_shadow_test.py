"""examples/shadow_test through the real Pulumi CLI: the shadow test, its promotion as an update, destroy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.servers import provider_env, sagemaker_emulator
from tests.support.sagemaker import CANDIDATE_MODEL, ENDPOINT, deploy_production_endpoint

from .cli import Project
from .conftest import EXAMPLES


@pytest.fixture
def server(aws_env: None) -> Iterator[EmulatorServer]:
    with sagemaker_emulator(deploy_production_endpoint) as server:
        yield server


def test_shadow_test_then_promote(pulumi: str, server: EmulatorServer, tmp_path: Path) -> None:
    import sys

    sagemaker = boto3.client("sagemaker", endpoint_url=server.endpoint_url, region_name="us-east-1")
    project = Project.copy_of(EXAMPLES / "shadow_test", tmp_path, virtualenv=sys.prefix, env=provider_env(server))
    project.init({"aws:region": "us-east-1"})

    project.up()
    outputs = project.outputs()
    assert outputs["experimentStatus"] == "Running" and outputs["endpointName"] == ENDPOINT
    [experiment] = sagemaker.list_inference_experiments()["InferenceExperiments"]
    assert experiment["Status"] == "Running"

    project.set_config("decision", "promote")
    preview = project.preview("--diff")
    assert "~ 1 to update" in preview.stdout and "replace" not in preview.stdout, preview
    run = project.up()
    assert "~ 1 updated" in run.stdout, run
    assert project.outputs()["experimentStatus"] == "Completed"
    config_name = sagemaker.describe_endpoint(EndpointName=ENDPOINT)["EndpointConfigName"]
    variants = sagemaker.describe_endpoint_config(EndpointConfigName=config_name)["ProductionVariants"]
    assert [v["ModelName"] for v in variants] == [CANDIDATE_MODEL], "the endpoint serves the candidate"

    project.destroy()
    assert sagemaker.list_inference_experiments()["InferenceExperiments"] == []
