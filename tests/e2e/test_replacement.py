"""A Model replaced under a fixed name while a running scheduler uses it, through the real engine.

The name is kept, so the replacement must delete first; the engine then deletes the dependent scheduler before
the model (after diffing it with the model's outputs unknown), creates the model again, and the scheduler after it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import boto3

from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.servers import provider_env

from .cli import Project
from .conftest import EXAMPLES

PROGRAM = Path(__file__).parent / "programs" / "model_under_fixed_name"


def test_model_replaced_under_its_name(pulumi: str, pump_server: EmulatorServer, tmp_path: Path) -> None:
    project = Project.copy_of(PROGRAM, tmp_path, virtualenv=sys.prefix, env=provider_env(pump_server))
    project.init({"aws:region": "us-east-1", "trainingEnd": "2025-02-01T00:00:00Z",
                  "schemaFile": str(EXAMPLES / "lookout_equipment" / "pump-schema.json")})
    lookout = boto3.client("lookoutequipment", endpoint_url=pump_server.endpoint_url, region_name="us-east-1")
    project.up()
    first = project.outputs()
    assert first["schedulerStatus"] == "RUNNING"

    project.set_config("trainingEnd", "2025-02-10T00:00:00Z")
    preview = project.preview("--diff")
    assert "+-" in preview.stdout and "pump-model" in preview.stdout, preview
    mark = len(pump_server.emulator.calls)
    run = project.up()
    assert "replaced" in run.stdout, run
    changes = [c.operation for c in pump_server.emulator.calls[mark:]
               if not c.operation.startswith(("Describe", "List")) and c.error is None]
    assert changes.index("DeleteInferenceScheduler") < changes.index("DeleteModel") < changes.index("CreateModel")
    assert changes.index("CreateModel") < changes.index("CreateInferenceScheduler")

    second = project.outputs()
    assert second["modelArn"] != first["modelArn"] and second["schedulerStatus"] == "RUNNING"
    model = lookout.describe_model(ModelName="pump-model")
    assert model["Status"] == "SUCCESS" and model["TrainingDataEndTime"].isoformat().startswith("2025-02-10")
    [scheduler] = lookout.list_inference_schedulers()["InferenceSchedulerSummaries"]
    assert scheduler["ModelArn"] == second["modelArn"] and scheduler["Status"] == "RUNNING"

    project.destroy()
    assert lookout.list_models()["ModelSummaries"] == []
    assert lookout.list_inference_schedulers()["InferenceSchedulerSummaries"] == []
