"""Ctrl-C during a training, through the real CLI, then `pulumi up` again: one training in all, nothing orphaned.

On Ctrl-C the engine calls the provider host's Cancel and waits for the running steps; the provider hears it and
stops its wait at once, so `pulumi up` ends promptly with the model still training in AWS and not in the state (a
failed create, not a pending operation). The next `up` finds the model by name, adopts it and resumes the wait.
A second Ctrl-C (terminate at once) leaves a pending create in the state instead: the next `up` warns about it and
does the same adoption.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from pulumi_aws_mlops.emulator import Clock, Emulator
from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.servers import PUMP, provider_env

from .cli import Project, interrupt_when
from .conftest import BUCKET, EXAMPLES

# Slow enough that the training is surely running when the interrupt comes; the clock is advanced past it after.
TIME_SCALE = 60.0
TRAINING_SECONDS = 6 * 3600.0


@pytest.fixture
def server(aws_env: None) -> Iterator[EmulatorServer]:
    emulator = Emulator(clock=Clock(time_scale=TIME_SCALE))
    emulator.faults.durations["training"] = TRAINING_SECONDS
    with EmulatorServer(emulator) as server:
        s3 = boto3.client("s3", endpoint_url=server.endpoint_url, region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        PUMP.upload(s3, BUCKET, "pump/")
        yield server


def project(server: EmulatorServer, tmp_path: Path) -> Project:
    env = {**provider_env(server), "PULUMI_AWS_MLOPS_TIME_SCALE": str(TIME_SCALE)}
    return Project.copy_of(EXAMPLES / "lookout_equipment", tmp_path, virtualenv=sys.prefix, env=env).init(
        {"aws:region": "us-east-1"})


def training_started(server: EmulatorServer) -> bool:
    return server.emulator.count("CreateModel") == 1 and server.emulator.count("DescribeModel") >= 2


def finish_and_check(server: EmulatorServer, stack: Project) -> None:
    server.emulator.clock.advance(TRAINING_SECONDS)
    run = stack.up()
    assert "found it from an interrupted run of this stack; resuming" in run.stdout, run
    outputs = stack.outputs()
    assert outputs["modelStatus"] == "SUCCESS" and outputs["schedulerStatus"] == "RUNNING"
    assert server.emulator.count("CreateModel", succeeded=True) == 1, "one training in all"
    lookout = boto3.client("lookoutequipment", endpoint_url=server.endpoint_url, region_name="us-east-1")
    assert [m["ModelName"] for m in lookout.list_models()["ModelSummaries"]] == [outputs["modelName"]], "no orphan"
    assert len(lookout.list_datasets()["DatasetSummaries"]) == 1
    stack.preview("--expect-no-changes")
    stack.destroy()
    assert lookout.list_models()["ModelSummaries"] == []


def test_ctrl_c_during_training_then_up(pulumi: str, server: EmulatorServer, tmp_path: Path) -> None:
    stack = project(server, tmp_path)
    up = stack.start("up", "--yes", "--skip-preview")
    output = interrupt_when(up, lambda: training_started(server))
    assert up.returncode != 0, output
    assert "interrupted while waiting for training" in output and "the next `pulumi up`" in output, output
    # Stopped at once, not after the training: it ran on when `up` had ended (six simulated hours at 60x are six
    # real minutes, however loaded the machine; the wait's deadline, three simulated hours, is three).
    lookout = boto3.client("lookoutequipment", endpoint_url=server.endpoint_url, region_name="us-east-1")
    model = lookout.list_models()["ModelSummaries"]
    assert [m["Status"] for m in model] == ["IN_PROGRESS"], f"pulumi up waited for the training: {model}"
    assert stack.export()["deployment"].get("pending_operations") in (None, []), "a failed create, not a pending one"
    assert server.emulator.count("CreateModel", succeeded=True) == 1
    finish_and_check(server, stack)


def test_two_ctrl_c_terminate_at_once_and_up_resolves_the_pending_create(
    pulumi: str, server: EmulatorServer, tmp_path: Path
) -> None:
    stack = project(server, tmp_path)
    up = stack.start("up", "--yes", "--skip-preview")

    def second_interrupt() -> bool:
        if training_started(server):
            up.send_signal(signal.SIGINT)
            return True
        return False

    output = interrupt_when(up, second_interrupt)
    assert up.returncode != 0, output
    pending = stack.export()["deployment"].get("pending_operations") or []
    assert [(op["type"], op["resource"]["type"]) for op in pending] in (
        [], [("creating", "pulumi-python:dynamic/lookoutequipment:Model")]), pending
    run_warns = bool(pending)
    server.emulator.clock.advance(TRAINING_SECONDS)
    run = stack.up()
    if run_warns:
        assert "pending operations from previous deployment" in run.stdout, run
    assert server.emulator.count("CreateModel", succeeded=True) == 1, "one training in all"
    stack.destroy()
