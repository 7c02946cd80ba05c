"""`pulumi new` from the repository's root template into an empty folder, then `up` and `destroy`.

The template is this working tree as git would hand it out (tracked and new files, nothing ignored), so the test
sees what a user who runs `pulumi new <this repository's URL>` gets: the CLI copies it, creates .venv from the
program's requirements.txt, and the dynamic-provider plugin must find that virtualenv from the program's folder.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import boto3

from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.servers import provider_env

from .cli import GENEROUS_TIMEOUTS, REPO_ROOT, Project


def template_copy(destination: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO_ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO_ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def test_new_from_the_root_template(pulumi: str, pump_server: EmulatorServer, tmp_path: Path) -> None:
    template = template_copy(tmp_path / "template")
    project = Project(folder=tmp_path / "new-stack", state=tmp_path / "state", env=provider_env(pump_server))
    project.folder.mkdir()

    created = project.pulumi("new", str(template), "--yes", "--stack", "dev", "--name", "pump-monitoring")
    assert "Finished installing dependencies" in created.stdout + created.stderr, created
    project.set_config("timeouts", GENEROUS_TIMEOUTS)
    assert (project.folder / ".venv" / "bin" / "python").exists(), "pulumi new made the stack's virtualenv"

    run = project.up()
    assert "+ 4 created" in run.stdout, run
    lookout = boto3.client("lookoutequipment", endpoint_url=pump_server.endpoint_url, region_name="us-east-1")
    [model] = lookout.list_models()["ModelSummaries"]
    assert model["Status"] == "SUCCESS"
    assert project.outputs()["schedulerStatus"] == "RUNNING"

    project.destroy()
    assert lookout.list_datasets()["DatasetSummaries"] == []
    assert lookout.list_models()["ModelSummaries"] == []
