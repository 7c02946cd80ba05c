"""Stacks outlive releases: a state an earlier release wrote is taken as it is, through the real Pulumi CLI.

Each fixture is `pulumi stack export` of examples/lookout_equipment after a first `pulumi up`, written by the code of
the commit it is named after:
- 16bb1e8, the release before the state kept the dataset schema once: its Dataset outputs hold the schema itself, and
  no digest;
- 32f10a3 (whose state is that of 42698ef, the release before it), before the state got leaner: every provider
  pickled by its class's module path, the name seed among the outputs, and a Dataset's data quality summary with its
  zero counts.
After `pulumi stack import` of either, the current code finds nothing to change: `preview` reports every resource
unchanged, and `up` changes nothing and calls no AWS operation.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.servers import provider_env

from .cli import Project
from .conftest import EXAMPLES

FIXTURES = Path(__file__).parent / "fixtures"


def summary(output: str) -> list[tuple[str, str]]:
    return re.findall(r"(\d+) (to create|to update|to replace|to delete|unchanged|created|updated|replaced|deleted)",
                      output.split("Resources:", 1)[-1])


def written_by_16bb1e8(dataset: dict[str, Any]) -> bool:
    return "dataset_schema" in dataset["outputs"] and "__digests" not in dataset["outputs"]


def written_by_32f10a3(dataset: dict[str, Any]) -> bool:
    outputs = dataset["outputs"]
    return ("__name_seed" in outputs and len(outputs["__provider"]) > 100
            and outputs["data_quality_summary"]["invalid_sensor_data"]["affected_sensor_count"] == 0)


@pytest.mark.parametrize(("commit", "written_by"), [("16bb1e8", written_by_16bb1e8), ("32f10a3", written_by_32f10a3)])
def test_a_stack_written_by_an_earlier_release_is_unchanged(
    pulumi: str, pump_server: EmulatorServer, tmp_path: Path, commit: str,
    written_by: Callable[[dict[str, Any]], bool],
) -> None:
    fixture = FIXTURES / f"lookout-equipment-state-{commit}.json"
    written = json.loads(fixture.read_text())
    dataset = next(r for r in written["deployment"]["resources"] if r["type"].endswith(":Dataset"))
    assert written_by(dataset), f"the fixture is the state {commit} wrote"

    # The configuration it was written with: the example's own deadlines (no preview or up here waits for anything).
    project = Project.copy_of(EXAMPLES / "lookout_equipment", tmp_path, virtualenv=sys.prefix,
                              env=provider_env(pump_server)).init({"aws:region": "us-east-1"}, timeouts=None)
    project.pulumi("stack", "import", "--file", str(fixture))
    mark = len(pump_server.emulator.calls)

    preview = project.preview("--expect-no-changes")
    assert summary(preview.stdout) == [("4", "unchanged")], preview
    run = project.up()
    assert summary(run.stdout) == [("4", "unchanged")], run
    assert pump_server.emulator.calls[mark:] == [], "no AWS call: nothing was read, created or changed"

    kept = next(r for r in project.resources() if r["type"].endswith(":Dataset"))
    assert kept["outputs"] == dataset["outputs"], "an unchanged resource keeps the outputs it had"
