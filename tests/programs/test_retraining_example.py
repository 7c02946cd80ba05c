"""examples/retraining, run once in-process under `pulumi.runtime.set_mocks` with its real providers (its lifecycle
-- retraining, pinning a version, rolling back -- runs through the real Pulumi CLI in tests/e2e)."""

from __future__ import annotations

import json

import boto3
import pytest

from pulumi_aws_mlops.emulator import DEFAULT_ORIGIN, Clock

from .conftest import EXAMPLES
from .mock_run import run_program

PROGRAM = EXAMPLES / "retraining"


@pytest.fixture
def emulator_clock() -> Clock:
    return Clock(origin=DEFAULT_ORIGIN)


@pytest.mark.usefixtures("pump_in_s3")
def test_the_retraining_stack_labels_trains_serves_and_schedules_retraining() -> None:
    stack = run_program(PROGRAM, {"aws:region": "us-east-1", "activeModelVersion": "1"})
    assert sorted(resource.name for resource in stack.created) == [
        "pump-data", "pump-faults", "pump-model", "pump-monitor", "pump-retraining"]
    out = stack.outputs
    labels = json.loads((PROGRAM / "labels.json").read_text())
    assert out["labelCount"] == len(labels)
    assert (out["modelStatus"], out["activeModelVersion"], out["schedulerStatus"]) == ("SUCCESS", 1, "RUNNING")
    assert [(v["model_version"], v["source_type"]) for v in out["modelVersions"]] == [(1, "TRAINING")]
    assert (out["retrainingStatus"], out["promoteMode"]) == ("RUNNING", "MANUAL")
    assert out["nextRetraining"] == "2026-01-31T00:00:00Z", "one frequency after creation, on the day"

    l4e = boto3.client("lookoutequipment", region_name="us-east-1")
    model = l4e.describe_model(ModelName=out["modelName"])
    assert model["LabelsInputConfiguration"] == {"LabelGroupName": out["labelGroupName"]}
    scheduler = l4e.describe_retraining_scheduler(ModelName=out["modelName"])
    assert (scheduler["LookbackWindow"], scheduler["RetrainingFrequency"]) == ("P180D", "P30D")
    stored = l4e.list_labels(LabelGroupName=out["labelGroupName"])["LabelSummaries"]
    assert sorted(label["FaultCode"] for label in stored) == sorted(label["fault_code"] for label in labels)
