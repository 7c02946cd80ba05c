"""examples/retraining through the real Pulumi CLI: up, a month passes and a retraining makes version 2, refresh sees
it and reports no drift (the version is not pinned), the version is pinned (activated), then rolled back with one
configuration change, and destroy. Every step is checked against the emulator's state and call log."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import boto3
import pytest

from pulumi_aws_mlops.emulator import DEFAULT_ORIGIN, Clock, Emulator, sample_data
from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.servers import TIME_SCALE, provider_env

from .cli import Project
from .conftest import BUCKET, EXAMPLES


@pytest.fixture
def recent_server(aws_env: None) -> Iterator[tuple[EmulatorServer, sample_data.PumpData]]:
    """The emulator on a clock that starts on 2026-01-01, with the last ninety days of the pump's data before it: a
    retraining's lookback window reaches the data whenever the test runs."""
    with EmulatorServer(Emulator(clock=Clock(time_scale=TIME_SCALE, origin=DEFAULT_ORIGIN))) as server:
        data = sample_data.pump(days=90, rate_minutes=10, start=DEFAULT_ORIGIN - timedelta(days=100))
        s3 = boto3.client("s3", endpoint_url=server.endpoint_url, region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        data.upload(s3, BUCKET, "pump/")
        yield server, data


def activations(server: EmulatorServer, since: int) -> list[int]:
    return [int(c.params["ModelVersion"]) for c in server.emulator.calls[since:]
            if c.operation == "UpdateActiveModelVersion" and c.error is None]


def test_retraining_stack_retrains_pins_and_rolls_back(
    pulumi: str, tmp_path: Path, recent_server: tuple[EmulatorServer, sample_data.PumpData]
) -> None:
    server, data = recent_server
    project = Project.copy_of(EXAMPLES / "retraining", tmp_path, virtualenv=sys.prefix, env=provider_env(server))
    labels = [{"start_time": f"{w.start:%Y-%m-%dT%H:%M:%SZ}", "end_time": f"{w.end:%Y-%m-%dT%H:%M:%SZ}",
               "rating": "ANOMALY", "fault_code": w.fault_code} for w in data.anomalies()]
    (project.folder / "recent-labels.json").write_text(json.dumps(labels))
    project.init({"aws:region": "us-east-1", "labelsFile": "recent-labels.json"})
    lookout = boto3.client("lookoutequipment", endpoint_url=server.endpoint_url, region_name="us-east-1")

    run = project.up()
    assert "+ 6 created" in run.stdout, run
    outputs = project.outputs()
    model = outputs["modelName"]
    assert (outputs["activeModelVersion"], outputs["retrainingStatus"], outputs["labelCount"]) == (1, "RUNNING", 2)
    assert lookout.describe_model(ModelName=model)["LabelsInputConfiguration"] == {
        "LabelGroupName": outputs["labelGroupName"]}

    # A month passes: the retraining scheduler retrains the model on the last 180 days (MANUAL: not activated).
    emulator = server.emulator
    due = lookout.describe_model(ModelName=model)["NextScheduledRetrainingStartDate"]
    emulator.clock.advance((due - emulator.clock.now()).total_seconds() + 2 * 3600)
    version = lookout.describe_model_version(ModelName=model, ModelVersion=2)
    assert (version["Status"], version["SourceType"]) == ("SUCCESS", "RETRAINING"), version.get("FailedReason")
    assert version["AutoPromotionResult"] == "MODEL_NOT_PROMOTED"

    project.refresh()
    state = project.state_of(":Model")
    assert [v["model_version"] for v in state["model_versions"]] == [1, 2] and state["active_model_version"] == 1
    assert project.state_of(":RetrainingScheduler")["latest_scheduled_retraining_model_version"] == 2
    project.preview("--expect-no-changes")  # the version is the service's to choose: what it reports is no drift

    # Use the new version: one configuration change.
    mark = len(emulator.calls)
    project.set_config("activeModelVersion", "2")
    run = project.up()
    assert "~ 1 updated" in run.stdout, run
    assert activations(server, mark) == [2]
    assert project.outputs()["activeModelVersion"] == 2

    # It was a bad retraining: roll back, one configuration change again.
    mark = len(emulator.calls)
    project.set_config("activeModelVersion", "1")
    project.up()
    assert activations(server, mark) == [1]
    described = lookout.describe_model(ModelName=model)
    assert (described["ActiveModelVersion"], described["PreviousActiveModelVersion"]) == (1, 2)
    assert project.outputs()["previousActiveModelVersion"] == 2
    project.preview("--expect-no-changes")

    run = project.destroy()
    assert "- 6 deleted" in run.stdout, run
    assert lookout.list_retraining_schedulers()["RetrainingSchedulerSummaries"] == []
    assert lookout.list_models()["ModelSummaries"] == [] and lookout.list_label_groups()["LabelGroupSummaries"] == []
    assert emulator.count("CreateModel") == 1, "one training by CreateModel; the other version is the retraining's"
