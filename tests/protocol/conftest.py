"""Fixtures of the provider-host tests: a real `python -m pulumi.dynamic` host pointed at the emulator server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.protocol.provider_host import LogRecord, ProviderHost

from .engine import start_host


@pytest.fixture
def host_logs() -> list[LogRecord]:
    return []


@pytest.fixture
def provider_host(emulator_server: EmulatorServer, tmp_path: Path, host_logs: list[LogRecord]) -> Iterator[ProviderHost]:
    host = start_host(emulator_server, tmp_path, host_logs)
    try:
        yield host
    finally:
        host.stop()
