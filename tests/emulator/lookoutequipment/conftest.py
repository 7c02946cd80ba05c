"""Fixtures of the Lookout for Equipment emulator tests: boto3 clients and the sample pump's data in S3.

The emulator itself is the root conftest's `emulator` (on the clock `tests/emulator/conftest.py` gives it).
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.emulator.sample_data import PumpData, pump

from .support import BUCKET, NO_RETRIES, REGION, Lookout


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
def l4e(emulator: Emulator, clients: dict[str, Any]) -> Any:
    return clients["lookoutequipment"]


@pytest.fixture
def s3(emulator: Emulator, clients: dict[str, Any]) -> Any:
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
def lookout(emulator: Emulator, l4e: Any, s3: Any, uploaded: PumpData) -> Lookout:
    return Lookout(emulator, l4e, s3, uploaded)
