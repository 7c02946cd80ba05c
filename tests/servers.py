"""The emulator as a loopback server with the sample pump in its S3, and the environment a provider host needs.

Shared by the tests that run the real provider host (tests/protocol) and whole programs (tests/programs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3

from pulumi_aws_mlops._internal.waiting import TIME_SCALE_ENV
from pulumi_aws_mlops.emulator import Clock, Emulator, sample_data
from pulumi_aws_mlops.emulator.server import EmulatorServer

# One simulated hour per real second: a training completes in about a second of wall time.
TIME_SCALE = 3600.0
PUMP = sample_data.pump(days=60, rate_minutes=30)


@contextmanager
def pump_emulator(bucket: str) -> Iterator[EmulatorServer]:
    """The emulator server at TIME_SCALE, with the pump's sensor data under `pump/` and labels under `pump-labels/`."""
    with EmulatorServer(Emulator(clock=Clock(time_scale=TIME_SCALE))) as server:
        s3 = boto3.client("s3", endpoint_url=server.endpoint_url, region_name="us-east-1")
        s3.create_bucket(Bucket=bucket)
        PUMP.upload(s3, bucket, "pump/")
        yield server


def provider_env(server: EmulatorServer) -> dict[str, str]:
    """What the Pulumi CLI would pass a provider host here: the emulator's endpoint, dummy keys, its clock."""
    return {"AWS_ENDPOINT_URL": server.endpoint_url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1", TIME_SCALE_ENV: str(TIME_SCALE)}


@contextmanager
def sagemaker_emulator(deploy: Callable[[Any], None]) -> Iterator[EmulatorServer]:
    """The emulator server after `deploy(sagemaker_client)` made moto's models and endpoints; the call log empty."""
    with EmulatorServer(Emulator(clock=Clock(time_scale=TIME_SCALE))) as server:
        deploy(boto3.client("sagemaker", endpoint_url=server.endpoint_url, region_name="us-east-1"))
        server.emulator.calls.clear()
        yield server
