"""examples/lookout_equipment through the real Pulumi CLI: up, reconfigure, refresh, a stop out of band, destroy.

Every step is checked against the emulator's state and call log, not only the CLI's exit code.
"""

from __future__ import annotations

from collections.abc import Callable

import boto3

from pulumi_aws_mlops.emulator.server import EmulatorServer

from .cli import Project


def scheduler_changes(server: EmulatorServer, since: int) -> list[str]:
    return [c.operation for c in server.emulator.calls[since:]
            if "InferenceScheduler" in c.operation and not c.operation.startswith(("Describe", "List"))]


def test_lookout_equipment_stack(pump_server: EmulatorServer, project_of: Callable[[str, EmulatorServer], Project]) -> None:
    project = project_of("lookout_equipment", pump_server)
    lookout = boto3.client("lookoutequipment", endpoint_url=pump_server.endpoint_url, region_name="us-east-1")

    run = project.up()
    assert "+ 4 created" in run.stdout and "Duration:" in run.stdout, run
    outputs = project.outputs()
    assert outputs["datasetStatus"] == "ACTIVE" and outputs["modelStatus"] == "SUCCESS"
    assert outputs["schedulerStatus"] == "RUNNING" and outputs["schedulerUploadFrequency"] == "PT10M"
    scheduler = lookout.describe_inference_scheduler(InferenceSchedulerName=outputs["schedulerName"])
    assert scheduler["Status"] == "RUNNING" and scheduler["DataUploadFrequency"] == "PT10M"
    assert pump_server.emulator.count("CreateModel") == 1

    preview = project.preview("--expect-no-changes")
    assert "4 unchanged" in preview.stdout, preview

    mark = len(pump_server.emulator.calls)
    project.set_config("uploadFrequency", "PT5M")
    run = project.up()
    assert "~ 1 updated" in run.stdout, run
    assert scheduler_changes(pump_server, mark) == [
        "StopInferenceScheduler", "UpdateInferenceScheduler", "StartInferenceScheduler"]
    scheduler = lookout.describe_inference_scheduler(InferenceSchedulerName=outputs["schedulerName"])
    assert scheduler["Status"] == "RUNNING" and scheduler["DataUploadFrequency"] == "PT5M"

    project.refresh()
    project.preview("--expect-no-changes")

    lookout.stop_inference_scheduler(InferenceSchedulerName=outputs["schedulerName"])
    pump_server.emulator.clock.advance(120)
    project.refresh()
    assert project.state_of(":InferenceScheduler")["status"] == "STOPPED", "refresh records the real state"
    mark = len(pump_server.emulator.calls)
    project.up()
    assert scheduler_changes(pump_server, mark) == ["StartInferenceScheduler"], "up restores the desired state"
    assert lookout.describe_inference_scheduler(InferenceSchedulerName=outputs["schedulerName"])["Status"] == "RUNNING"

    run = project.destroy()
    assert "- 4 deleted" in run.stdout, run
    assert lookout.list_inference_schedulers()["InferenceSchedulerSummaries"] == []
    assert lookout.list_models()["ModelSummaries"] == []
    assert lookout.list_datasets()["DatasetSummaries"] == []
    assert pump_server.emulator.count("CreateModel") == 1, "one training in all"
