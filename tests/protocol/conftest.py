"""The emulator as a loopback server on a fast clock, and a real `python -m pulumi.dynamic` host that uses it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.harness._provider_host import ProviderHost
from tests.harness._types import LogRecord
from tests.servers import PUMP, provider_env, pump_emulator

BUCKET = "sensor-data"
__all__ = ["BUCKET", "PUMP"]


@pytest.fixture
def emulator_server(aws_env: None) -> Iterator[EmulatorServer]:
    with pump_emulator(BUCKET) as server:
        yield server


@pytest.fixture
def host_logs() -> list[LogRecord]:
    return []


def start_host(emulator_server: EmulatorServer, cwd: Path, logs: list[LogRecord]) -> ProviderHost:
    """A provider host as the Pulumi CLI would start it, pointed at the emulator and its clock."""
    env = {**os.environ, **provider_env(emulator_server), "PULUMI_PROJECT": "proj"}
    return ProviderHost(env=env, cwd=cwd, config={"aws:region": "us-east-1"}, log=logs.append, timeout=120)


@pytest.fixture
def provider_host(emulator_server: EmulatorServer, tmp_path: Path, host_logs: list[LogRecord]) -> Iterator[ProviderHost]:
    host = start_host(emulator_server, tmp_path, host_logs)
    try:
        yield host
    finally:
        host.stop()
