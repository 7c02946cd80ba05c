"""Fixtures of the end-to-end tests: the real Pulumi CLI and the emulator server it deploys to."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.servers import provider_env, pump_emulator

from .cli import CliUnavailable, Project, pulumi_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BUCKET = "lookout-equipment-demo"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def pulumi() -> str:
    """The real CLI (`make pulumi`). With CI set it must be there; elsewhere its absence skips with the reason."""
    try:
        return pulumi_cli()
    except CliUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the Pulumi CLI is required in CI: {exc}")
        pytest.skip(f"no Pulumi CLI: {exc}")


@pytest.fixture
def pump_server(aws_env: None) -> Iterator[EmulatorServer]:
    with pump_emulator(BUCKET) as server:
        yield server


@pytest.fixture
def project_of(pulumi: str, tmp_path: Path) -> Callable[[str, EmulatorServer], Project]:
    """A stack of an example program, in a scratch copy that runs in this test's Python environment."""

    def make(example: str, server: EmulatorServer) -> Project:
        project = Project.copy_of(EXAMPLES / example, tmp_path, virtualenv=sys.prefix, env=provider_env(server))
        return project.init({"aws:region": "us-east-1"})

    return make
