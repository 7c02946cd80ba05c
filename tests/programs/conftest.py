"""Fixtures of the example-program tests: where the examples are, the sample data in S3."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import boto3
import pytest

from pulumi_aws_mlops.emulator import Emulator, sample_data
from tests.support.lookoutequipment import PUMP

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# The defaults of the examples' stack configuration.
BUCKET = "lookout-equipment-demo"
ACCOUNT = "123456789012"


@pytest.fixture
def pump_in_s3(emulator: Emulator) -> sample_data.Uploaded:
    """The sample pump's sensor data under pump/ and its labels under pump-labels/, where the examples look; and
    the last weeks before the emulator's now under pump-recent/, which a retraining's lookback window reaches on
    any day the tests run (tests/support/whole_lifecycles.py)."""
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    recent = sample_data.pump(days=20, rate_minutes=60, start=emulator.clock.now() - timedelta(days=25))
    recent.upload(s3, BUCKET, "pump-recent/", labels_prefix="pump-recent-labels/")
    return PUMP.upload(s3, BUCKET, "pump/")
