"""`make demo` (examples/run_demo.py): the whole lifecycle against the emulator server, fast, and its exit status."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from .conftest import EXAMPLES

DEMO = EXAMPLES / "run_demo.py"


def run_demo(*args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": path if path is not None else os.environ["PATH"]}
    return subprocess.run([sys.executable, str(DEMO), *args], capture_output=True, text=True, timeout=120, env=env)


def test_demo_runs_the_lifecycle_without_the_cli() -> None:
    # A short data set and a fast clock: the same steps as `make demo`, through the in-process engine. Not faster:
    # at 36000x a tenth of a second of CPU is an hour of simulated time, and deadlines start to bite.
    done = run_demo("--engine", "inprocess", "--days", "20", "--time-scale", "3600")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "emulator: http://127.0.0.1:" in out
    assert "Running without the Pulumi CLI, through the project's in-process test engine" in out
    for line in ("+ lookoutequipment:Dataset pump-data: created", "+ lookoutequipment:Model pump-model: created",
                 "~ lookoutequipment:InferenceScheduler pump-monitor: updated",
                 "- lookoutequipment:Dataset pump-data: deleted", '"schedulerStatus": "RUNNING"',
                 "schedulerUploadFrequency = PT5M, schedulerStatus = RUNNING", "Resources: 3 delete"):
        assert line in out, line
    assert out.rstrip().endswith("the emulator is stopped.")


def test_demo_without_the_cli_says_so_and_fails_when_the_cli_is_required() -> None:
    python_only = os.path.dirname(sys.executable)
    if shutil.which("pulumi", path=python_only):
        pytest.skip("the Pulumi CLI is in the Python environment's bin folder")
    done = run_demo("--engine", "cli", path=python_only)
    assert done.returncode == 1
    assert "The Pulumi CLI is not installed: see https://www.pulumi.com/docs/install/" in done.stdout


@pytest.mark.e2e
def test_demo_with_the_pulumi_cli() -> None:
    if shutil.which("pulumi") is None:
        pytest.skip("the Pulumi CLI is not on PATH")
    done = run_demo("--engine", "cli", "--days", "20", "--time-scale", "3600")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "$ pulumi destroy --yes" in done.stdout
