"""Resources that exist outside the stack, through the real CLI: `pulumi import` cannot serve a dynamic provider
(pulumi/pulumi#16175), so `adopt_existing=True` takes them over by name.

Without it, `up` refuses the names; with it, `up` adopts all three, brings the scheduler to the declared settings in
place (stop, update, start), creates nothing; the next preview has nothing to do, and destroy removes them.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3

from pulumi_aws_mlops.emulator.sample_data import PumpData
from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.servers import PUMP, provider_env

from .cli import Project
from .conftest import BUCKET, EXAMPLES

PROGRAM = Path(__file__).parent / "programs" / "adopt"
ROLE = "arn:aws:iam::123456789012:role/lookout-equipment-access"


def made_outside_the_stack(client: Any, pump: PumpData) -> None:
    """What a team made by hand before Pulumi: an ingested dataset, a trained model, a running scheduler."""
    client.create_dataset(DatasetName="plant-pump-data", DatasetSchema={"InlineDataSchema": json.dumps(pump.schema())})
    client.start_data_ingestion_job(
        DatasetName="plant-pump-data", RoleArn=ROLE,
        IngestionInputConfiguration={"S3InputConfiguration": {"Bucket": BUCKET, "Prefix": "pump/"}})
    until(lambda: client.describe_dataset(DatasetName="plant-pump-data")["Status"] == "ACTIVE")
    client.create_model(ModelName="plant-pump-model", DatasetName="plant-pump-data", RoleArn=ROLE)
    until(lambda: client.describe_model(ModelName="plant-pump-model")["Status"] == "SUCCESS")
    client.create_inference_scheduler(
        InferenceSchedulerName="plant-pump-monitor", ModelName="plant-pump-model", DataUploadFrequency="PT10M",
        RoleArn=ROLE,
        DataInputConfiguration={"S3InputConfiguration": {"Bucket": BUCKET, "Prefix": "inference/input/"}},
        DataOutputConfiguration={"S3OutputConfiguration": {"Bucket": BUCKET, "Prefix": "inference/output/"}})
    until(lambda: client.describe_inference_scheduler(InferenceSchedulerName="plant-pump-monitor")["Status"] == "RUNNING")


def until(condition: Callable[[], bool], within: float = 120.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "the emulator never got there"
        time.sleep(0.1)


def test_adopting_resources_made_outside_the_stack(pulumi: str, pump_server: EmulatorServer, tmp_path: Path) -> None:
    lookout = boto3.client("lookoutequipment", endpoint_url=pump_server.endpoint_url, region_name="us-east-1")
    made_outside_the_stack(lookout, PUMP)
    project = Project.copy_of(PROGRAM, tmp_path, virtualenv=sys.prefix, env=provider_env(pump_server))
    project.init({"aws:region": "us-east-1", "schemaFile": str(EXAMPLES / "lookout_equipment" / "pump-schema.json")})

    refused = project.pulumi("up", "--yes", "--skip-preview", check=False)
    assert refused.returncode != 0 and "adopt_existing=True" in refused.stdout, refused

    imported = project.pulumi("import", "pulumi-python:dynamic/lookoutequipment:Dataset", "pump-data",
                              "plant-pump-data", "--yes", check=False)
    assert imported.returncode != 0 and "__provider" in imported.stdout + imported.stderr, \
        f"pulumi/pulumi#16175 is fixed: `pulumi import` can be documented again\n{imported}"

    mark = len(pump_server.emulator.calls)
    project.set_config("adopt", "true")
    run = project.up()
    assert "+ 3 created" in run.stdout and "adopted the existing resource" in run.stdout, run
    changes = [c.operation for c in pump_server.emulator.calls[mark:]
               if not c.operation.startswith(("Describe", "List")) and c.error is None]
    assert not [op for op in changes if op.startswith("Create")], changes
    assert [op for op in changes if "InferenceScheduler" in op] == [
        "StopInferenceScheduler", "UpdateInferenceScheduler", "StartInferenceScheduler"]
    scheduler = lookout.describe_inference_scheduler(InferenceSchedulerName="plant-pump-monitor")
    assert scheduler["DataUploadFrequency"] == "PT5M" and scheduler["Status"] == "RUNNING"

    project.preview("--expect-no-changes")
    project.destroy()
    assert lookout.list_datasets()["DatasetSummaries"] == []
    assert lookout.list_models()["ModelSummaries"] == []
    assert lookout.list_inference_schedulers()["InferenceSchedulerSummaries"] == []
