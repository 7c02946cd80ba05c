"""Fixtures of the emulator tests: the in-process emulator on a frozen clock, boto3 clients and sample data in S3."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from l4e_support import BUCKET, NO_RETRIES, REGION, Lookout

from pulumi_aws_mlops.emulator import Clock, Emulator, mock_mlops
from pulumi_aws_mlops.emulator.clock import DEFAULT_ORIGIN
from pulumi_aws_mlops.emulator.sample_data import PumpData, pump


@pytest.fixture
def mlops(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LOOKOUTEQUIPMENT", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    # A clock starting on the hour keeps the inference schedules (multiples of 5 minutes) predictable.
    with mock_mlops(clock=Clock(origin=DEFAULT_ORIGIN)) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def aws() -> boto3.Session:
    """One session for every test: its loader caches the service models a fresh session would parse again."""
    return boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)


@pytest.fixture(scope="session")
def clients(aws: boto3.Session) -> dict[str, Any]:
    # Clients hold no emulator state (the in-process interceptor decides where each request goes), so
    # every test can share them.
    return {"lookoutequipment": aws.client("lookoutequipment", config=NO_RETRIES), "s3": aws.client("s3")}


@pytest.fixture
def l4e(mlops: Emulator, clients: dict[str, Any]) -> Any:
    return clients["lookoutequipment"]


@pytest.fixture
def s3(mlops: Emulator, clients: dict[str, Any]) -> Any:
    client = clients["s3"]
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture(scope="session")
def pump_data() -> PumpData:
    """Three days every 10 minutes: big enough for windows and labels, small enough to ingest in milliseconds."""
    return pump(days=3)


@pytest.fixture
def uploaded(s3: Any, pump_data: PumpData) -> PumpData:
    pump_data.upload(s3, BUCKET, "pump/")
    return pump_data


@pytest.fixture
def lookout(mlops: Emulator, l4e: Any, s3: Any, uploaded: PumpData) -> Lookout:
    return Lookout(mlops, l4e, s3, uploaded)
