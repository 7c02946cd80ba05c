"""The emulator as a loopback server on a fast clock, and a real `python -m pulumi.dynamic` host that uses it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from pulumi_aws_mlops._internal.waiting import TIME_SCALE_ENV
from pulumi_aws_mlops.emulator import Clock, Emulator, sample_data
from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.harness._provider_host import ProviderHost
from tests.harness._types import LogRecord

# One simulated hour per real second: a training completes in about a second of wall time.
TIME_SCALE = 3600.0
BUCKET = "sensor-data"
PUMP = sample_data.pump(days=60, rate_minutes=30)


@pytest.fixture
def emulator_server(aws_env: None) -> Iterator[EmulatorServer]:
    with EmulatorServer(Emulator(clock=Clock(time_scale=TIME_SCALE))) as server:
        s3 = boto3.client("s3", endpoint_url=server.endpoint_url, region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        PUMP.upload(s3, BUCKET, "pump/")
        yield server


@pytest.fixture
def host_logs() -> list[LogRecord]:
    return []


def start_host(emulator_server: EmulatorServer, cwd: Path, logs: list[LogRecord]) -> ProviderHost:
    """A provider host as the Pulumi CLI would start it, pointed at the emulator and its clock."""
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": emulator_server.endpoint_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        TIME_SCALE_ENV: str(TIME_SCALE),
        "PULUMI_PROJECT": "proj",
    }
    return ProviderHost(env=env, cwd=cwd, config={"aws:region": "us-east-1"}, log=logs.append, timeout=120)


@pytest.fixture
def provider_host(emulator_server: EmulatorServer, tmp_path: Path, host_logs: list[LogRecord]) -> Iterator[ProviderHost]:
    host = start_host(emulator_server, tmp_path, host_logs)
    try:
        yield host
    finally:
        host.stop()
