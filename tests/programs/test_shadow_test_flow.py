"""The shadow_test example as a user runs it through the test engine: start the shadow test, promote, destroy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.harness import Harness
from tests.servers import provider_env, sagemaker_emulator
from tests.support.sagemaker import CANDIDATE_MODEL, ENDPOINT, deploy_production_endpoint

from .conftest import EXAMPLES


@pytest.fixture
def server(aws_env: None) -> Iterator[EmulatorServer]:
    with sagemaker_emulator(deploy_production_endpoint) as server:
        yield server


def test_shadow_test_then_promote_through_the_test_engine(server: EmulatorServer, tmp_path: Path) -> None:
    sagemaker = boto3.client("sagemaker", endpoint_url=server.endpoint_url, region_name="us-east-1")
    with Harness(program_dir=EXAMPLES / "shadow_test", state_path=tmp_path / "state.json", stack="dev",
                 config={"aws:region": "us-east-1"}, env=provider_env(server), timeout=120) as harness:
        outputs = harness.up().outputs
        assert outputs["experimentStatus"] == "Running" and outputs["endpointName"] == ENDPOINT

        harness.set_config("decision", "promote")
        result = harness.up()
        assert [op for op, _ in result.steps if op != "same"] == ["update"], "promotion is an update, not a replace"
        assert result.outputs["experimentStatus"] == "Completed"
        config_name = sagemaker.describe_endpoint(EndpointName=ENDPOINT)["EndpointConfigName"]
        variants = sagemaker.describe_endpoint_config(EndpointConfigName=config_name)["ProductionVariants"]
        assert [v["ModelName"] for v in variants] == [CANDIDATE_MODEL]

        harness.destroy()
    assert sagemaker.list_inference_experiments()["InferenceExperiments"] == []
