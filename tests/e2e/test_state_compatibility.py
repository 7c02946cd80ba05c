"""Stacks outlive releases: a state the previous release wrote is taken as it is, through the real Pulumi CLI.

tests/e2e/fixtures/lookout-equipment-state-16bb1e8.json is `pulumi stack export` of examples/lookout_equipment after a
first `pulumi up`, written by the code of commit 16bb1e8 (the release before the state kept the dataset schema once:
its Dataset outputs hold the schema itself, and no digest). After `pulumi stack import` of it, the current code finds
nothing to change: `preview` reports every resource unchanged, and `up` changes nothing and calls no AWS operation.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.servers import provider_env

from .cli import Project
from .conftest import EXAMPLES

FIXTURE = Path(__file__).parent / "fixtures" / "lookout-equipment-state-16bb1e8.json"


def summary(output: str) -> list[tuple[str, str]]:
    return re.findall(r"(\d+) (to create|to update|to replace|to delete|unchanged|created|updated|replaced|deleted)",
                      output.split("Resources:", 1)[-1])


def test_a_stack_written_by_the_previous_release_is_unchanged(
    pulumi: str, pump_server: EmulatorServer, tmp_path: Path
) -> None:
    written = json.loads(FIXTURE.read_text())
    dataset = next(r for r in written["deployment"]["resources"] if r["type"].endswith(":Dataset"))
    assert "dataset_schema" in dataset["outputs"] and "__digests" not in dataset["outputs"], \
        "the fixture is the previous release's state"

    # The configuration it was written with: the example's own deadlines (no preview or up here waits for anything).
    project = Project.copy_of(EXAMPLES / "lookout_equipment", tmp_path, virtualenv=sys.prefix,
                              env=provider_env(pump_server)).init({"aws:region": "us-east-1"}, timeouts=None)
    project.pulumi("stack", "import", "--file", str(FIXTURE))
    mark = len(pump_server.emulator.calls)

    preview = project.preview("--expect-no-changes")
    assert summary(preview.stdout) == [("4", "unchanged")], preview
    run = project.up()
    assert summary(run.stdout) == [("4", "unchanged")], run
    assert pump_server.emulator.calls[mark:] == [], "no AWS call: nothing was read, created or changed"

    kept = next(r for r in project.resources() if r["type"].endswith(":Dataset"))
    assert kept["outputs"] == dataset["outputs"], "an unchanged resource keeps the outputs it had"
