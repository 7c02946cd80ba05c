"""examples/shadow_test through the real Pulumi CLI, on the emulator server's clock, which the tests move:

- a shadow test scheduled days ahead waits Created, and SageMaker starts it at its start time without a Start call;
  its sampling changes while it runs (an update), then the program promotes the candidate (an update), destroy;
- a test that ended on its own at its end time cannot be promoted any more: `up` says so, and after a refresh the
  preview already does, while the endpoint keeps serving production.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.servers import provider_env, sagemaker_emulator
from tests.support.sagemaker import CANDIDATE_MODEL, ENDPOINT, PRODUCTION_MODEL, deploy_production_endpoint

from .cli import Project
from .conftest import EXAMPLES


@pytest.fixture
def server(aws_env: None) -> Iterator[EmulatorServer]:
    with sagemaker_emulator(deploy_production_endpoint) as server:
        yield server


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def served_models(sagemaker: Any) -> dict[str, list[str]]:
    """{"production": [model, ...], "shadow": [model, ...]} of the endpoint's current configuration."""
    config_name = sagemaker.describe_endpoint(EndpointName=ENDPOINT)["EndpointConfigName"]
    config = sagemaker.describe_endpoint_config(EndpointConfigName=config_name)
    return {"production": [v["ModelName"] for v in config["ProductionVariants"]],
            "shadow": [v["ModelName"] for v in config.get("ShadowProductionVariants", [])]}


def project_of(server: EmulatorServer, tmp_path: Path, config: dict[str, str]) -> Project:
    project = Project.copy_of(EXAMPLES / "shadow_test", tmp_path, virtualenv=sys.prefix, env=provider_env(server))
    return project.init({"aws:region": "us-east-1", **config})


def test_a_scheduled_shadow_test_starts_on_time_samples_less_then_is_promoted(
    pulumi: str, server: EmulatorServer, tmp_path: Path
) -> None:
    sagemaker = boto3.client("sagemaker", endpoint_url=server.endpoint_url, region_name="us-east-1")
    clock = server.emulator.clock
    # Days ahead on the emulator's clock, which runs an hour a second: the CLI commands below fit well before.
    start = clock.now() + timedelta(days=10)
    project = project_of(server, tmp_path, {"startTime": iso(start), "endTime": iso(start + timedelta(days=14))})

    project.up()
    assert project.outputs()["experimentStatus"] == "Created"
    [experiment] = sagemaker.list_inference_experiments()["InferenceExperiments"]
    assert experiment["Status"] == "Created"
    assert served_models(sagemaker) == {"production": [PRODUCTION_MODEL], "shadow": []}, "nothing runs before start"

    clock.advance((start - clock.now()).total_seconds() + 600)
    described = sagemaker.describe_inference_experiment(Name=experiment["Name"])
    assert described["Status"] == "Running" and described["Schedule"]["StartTime"] >= start
    assert served_models(sagemaker) == {"production": [PRODUCTION_MODEL], "shadow": [CANDIDATE_MODEL]}
    assert "StartInferenceExperiment" not in server.emulator.operations(), "SageMaker started it on its own"

    project.set_config("samplingPercentage", "20")
    preview = project.preview("--diff")
    assert "~ 1 to update" in preview.stdout and "replace" not in preview.stdout, preview
    run = project.up()
    assert "~ 1 updated" in run.stdout, run
    described = sagemaker.describe_inference_experiment(Name=experiment["Name"])
    assert described["Status"] == "Running"
    assert described["ShadowModeConfig"]["ShadowModelVariants"][0]["SamplingPercentage"] == 20
    [update] = [call.params for call in server.emulator.calls if call.operation == "UpdateInferenceExperiment"]
    assert set(update) == {"Name", "ShadowModeConfig"}, "only what a running test may change"

    project.set_config("decision", "promote")
    preview = project.preview("--diff")
    assert "~ 1 to update" in preview.stdout and "replace" not in preview.stdout, preview
    run = project.up()
    assert "~ 1 updated" in run.stdout, run
    assert project.outputs()["experimentStatus"] == "Completed"
    [stop] = [call.params for call in server.emulator.calls if call.operation == "StopInferenceExperiment"]
    assert stop["ModelVariantActions"] == {"candidate": "Promote", "production": "Remove"}
    assert served_models(sagemaker) == {"production": [CANDIDATE_MODEL], "shadow": []}, "the candidate serves"

    project.destroy()
    assert sagemaker.list_inference_experiments()["InferenceExperiments"] == []


def test_a_shadow_test_that_ended_on_its_own_is_not_promoted_silently(
    pulumi: str, server: EmulatorServer, tmp_path: Path
) -> None:
    sagemaker = boto3.client("sagemaker", endpoint_url=server.endpoint_url, region_name="us-east-1")
    clock = server.emulator.clock
    end = clock.now() + timedelta(days=5)
    project = project_of(server, tmp_path, {"endTime": iso(end)})
    project.up()
    assert project.outputs()["experimentStatus"] == "Running"

    clock.advance((end - clock.now()).total_seconds() + 3600)  # SageMaker ends it and reverts the endpoint.
    assert served_models(sagemaker) == {"production": [PRODUCTION_MODEL], "shadow": []}

    project.set_config("decision", "promote")
    run = project.pulumi("up", "--yes", "--skip-preview", check=False)
    assert run.returncode != 0 and "ended on its own" in run.stdout + run.stderr, run
    assert "StopInferenceExperiment" not in server.emulator.operations()
    assert served_models(sagemaker) == {"production": [PRODUCTION_MODEL], "shadow": []}

    project.refresh()
    preview = project.pulumi("preview", check=False)
    assert preview.returncode != 0 and "ended on its own" in preview.stdout + preview.stderr, preview
    project.destroy()
    assert sagemaker.list_inference_experiments()["InferenceExperiments"] == []
