"""The Lookout for Equipment example as a user runs it: up, reconfigure, refresh, a stop out of band, destroy.

Through the test engine (tests/harness: the real program, the real provider host, the emulator server), and
through the real Pulumi CLI when it is on PATH. Both drive the same steps and check the same things.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.harness import Harness
from tests.servers import provider_env, pump_emulator

from .conftest import BUCKET, EXAMPLES

PROGRAM = EXAMPLES / "lookout_equipment"


@pytest.fixture
def server(aws_env: None) -> Iterator[EmulatorServer]:
    with pump_emulator(BUCKET) as server:
        yield server


def changes_to_schedulers(server: EmulatorServer, since: int) -> list[str]:
    return [c.operation for c in server.emulator.calls[since:]
            if "InferenceScheduler" in c.operation and not c.operation.startswith(("Describe", "List"))]


def run_flow(server: EmulatorServer, up: Callable[[], dict[str, Any]], set_config: Callable[[str, str], object],
             refresh: Callable[[], object], destroy: Callable[[], object]) -> None:
    outputs = up()
    assert outputs["datasetStatus"] == "ACTIVE" and outputs["modelStatus"] == "SUCCESS"
    assert outputs["schedulerStatus"] == "RUNNING" and outputs["schedulerUploadFrequency"] == "PT10M"

    mark = len(server.emulator.calls)
    set_config("uploadFrequency", "PT5M")
    outputs = up()
    assert changes_to_schedulers(server, mark) == [
        "StopInferenceScheduler", "UpdateInferenceScheduler", "StartInferenceScheduler"]
    assert outputs["schedulerUploadFrequency"] == "PT5M" and outputs["schedulerStatus"] == "RUNNING"

    refresh()
    lookout = boto3.client("lookoutequipment", endpoint_url=server.endpoint_url, region_name="us-east-1")
    lookout.stop_inference_scheduler(InferenceSchedulerName=outputs["schedulerName"])
    server.emulator.clock.advance(120)
    refresh()
    mark = len(server.emulator.calls)
    outputs = up()
    assert changes_to_schedulers(server, mark) == ["StartInferenceScheduler"], "up restores the desired state"
    assert outputs["schedulerStatus"] == "RUNNING"

    destroy()
    assert lookout.list_inference_schedulers()["InferenceSchedulerSummaries"] == []
    assert lookout.list_models()["ModelSummaries"] == []
    assert lookout.list_datasets()["DatasetSummaries"] == []


def test_through_the_test_engine(server: EmulatorServer, tmp_path: Path) -> None:
    with Harness(program_dir=PROGRAM, state_path=tmp_path / "state.json", stack="dev",
                 config={"aws:region": "us-east-1"}, env=provider_env(server), timeout=120) as harness:
        run_flow(server, up=lambda: harness.up().outputs, set_config=harness.set_config, refresh=harness.refresh,
                 destroy=harness.destroy)


@pytest.mark.e2e
def test_through_the_pulumi_cli(server: EmulatorServer, tmp_path: Path) -> None:
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        pytest.skip("the Pulumi CLI is not on PATH")
    project = tmp_path / "project"
    shutil.copytree(PROGRAM, project)
    # The example points at the repository's virtual environment; the copy uses the interpreter running the tests.
    text = (project / "Pulumi.yaml").read_text().replace("virtualenv: ../../.venv", f"virtualenv: {sys.prefix}")
    (project / "Pulumi.yaml").write_text(text)
    (tmp_path / "state").mkdir()
    env = {**os.environ, **provider_env(server), "PULUMI_BACKEND_URL": f"file://{tmp_path / 'state'}",
           "PULUMI_CONFIG_PASSPHRASE": "", "PULUMI_SKIP_UPDATE_CHECK": "true"}

    def cli(*args: str) -> str:
        done = subprocess.run([pulumi, *args, "--non-interactive", "--cwd", str(project)], env=env, text=True,
                              capture_output=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    cli("stack", "init", "dev")
    cli("config", "set", "aws:region", "us-east-1")

    def up() -> dict[str, Any]:
        cli("up", "--yes")
        outputs: dict[str, Any] = json.loads(cli("stack", "output", "--json"))
        return outputs

    run_flow(server, up=up, set_config=lambda key, value: cli("config", "set", key, value),
             refresh=lambda: cli("refresh", "--yes"), destroy=lambda: cli("destroy", "--yes"))
